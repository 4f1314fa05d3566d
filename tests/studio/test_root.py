"""Names from the browser become one file or folder inside the studio's root, or are refused."""

from __future__ import annotations

import pytest

from celflow.studio.root import UnsafeNameError, check_name, inside


@pytest.mark.parametrize("name", ["anna", "anna-2", "ben_1.png", "A.b-c_d"])
def test_plain_names_are_kept(name):
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "..", ".", "../x", "a/b", "a\\b", ".hidden", "a..b", "x" * 65, "é", "a b", "/etc"])
def test_names_that_could_leave_or_hide_are_refused(name):
    with pytest.raises(UnsafeNameError, match="use letters, digits"):
        check_name(name)


def test_inside_joins_checked_names(tmp_path):
    assert inside(tmp_path, "characters", "anna") == tmp_path / "characters" / "anna"


def test_inside_refuses_a_symlink_out_of_the_folder(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "escape").symlink_to(tmp_path)
    with pytest.raises(UnsafeNameError, match="leads outside"):
        inside(tmp_path / "root", "escape")
