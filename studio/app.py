"""The studio's web app: one page (static/) and the JSON and image routes it calls.

Routes are thin: they check what the browser sent (names, sizes, that a photo decodes) and call the
studio's modules, which call the same library functions as the command line.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from celflow.core.character import CharacterPackError, load_character
from celflow.core.defaults import AUTO_BACKEND, STILL_MAX_SIDE
from celflow.core.image_files import write_image
from celflow.realtime.strength import check_strength
from celflow.realtime.video import VideoError
from celflow.studio.catalogue import (
    find_pack,
    find_student_named,
    list_packs,
    list_students,
)
from celflow.studio.gallery import (
    free_path,
    keep_image,
    list_gallery,
    plain_stem,
    result_name,
)
from celflow.studio.jobs import Job, Jobs, run_process
from celflow.studio.limits import (
    PACK_LIMIT,
    PACK_UNPACK_LIMIT,
    PHOTO_LIMIT,
    VIDEO_LIMIT,
    WEBCAM_FRAME_LIMIT,
)
from celflow.studio.packs import import_pack_zip, pack_zip, write_new_pack
from celflow.studio.references import reference_colours
from celflow.studio.root import StudioRoot, UnsafeNameError, check_name, inside
from celflow.studio.stills import Still, Stills
from celflow.studio.students_open import OpenStudents
from celflow.studio.uploads import (
    UploadError,
    check_declared_size,
    check_video_upload,
    photo_from_upload,
    read_limited,
    save_limited,
)
from celflow.studio.video_job import convert_upload

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_DISTILL_MINUTES = 10.0


class PackColours(BaseModel):
    palette: list[str]
    skin_tone: str | None = None
    description: str = ""


def png(rgb: np.ndarray) -> bytes:
    _, data = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return data.tobytes()


def jpeg(rgb: np.ndarray, quality: int = 85) -> bytes:
    _, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return data.tobytes()


async def body(request: Request, what: str, limit: int) -> bytes:
    check_declared_size(what, request.headers.get("content-length"), limit)
    return await read_limited(request.stream(), what, limit)


def _error(status: int):
    async def answer(_request: Request, error: Exception) -> JSONResponse:
        message = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
        return JSONResponse({"error": message}, status_code=getattr(error, "status", status))

    return answer


def create_app(root: Path, backend: str = AUTO_BACKEND) -> FastAPI:
    """The studio for the folder `root` (created when missing); every file it writes goes under it."""
    studio = StudioRoot(Path(root)).create()
    students, stills, jobs = OpenStudents(backend), Stills(), Jobs()
    app = FastAPI(title="celflow studio", docs_url=None, redoc_url=None)
    app.add_exception_handler(UploadError, _error(400))
    app.add_exception_handler(UnsafeNameError, _error(400))
    app.add_exception_handler(CharacterPackError, _error(400))
    app.add_exception_handler(VideoError, _error(400))
    app.add_exception_handler(ValueError, _error(400))
    app.add_exception_handler(FileNotFoundError, _error(404))
    app.add_exception_handler(FileExistsError, _error(409))
    app.router.add_event_handler("shutdown", students.close)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    # Stylise
    @app.get("/api/students")
    def students_list() -> list[dict[str, object]]:
        return [{"name": s.name, "pack": s.pack, "card": s.card} for s in list_students(studio)]

    @app.post("/api/stills")
    async def still_upload(request: Request, student: str, name: str = "photo", max_side: int | None = STILL_MAX_SIDE):
        data = await body(request, name, PHOTO_LIMIT)
        chosen = find_student_named(studio, student)
        if max_side is not None and max_side < 1:
            raise ValueError(f"max_side {max_side}: must be a positive number of pixels")

        def stylize() -> dict[str, object]:
            photo = photo_from_upload(data, name, max_side)
            picture, in_proportion = students.draw(chosen, photo)
            still = Still(photo, picture, name, chosen.name, in_proportion)
            return {"id": stills.add(still), "width": photo.shape[1], "height": photo.shape[0]}

        return await run_in_threadpool(stylize)

    @app.get("/api/stills/{still_id}/photo.png")
    def still_photo(still_id: str) -> Response:
        return Response(png(stills.get(still_id).photo), media_type="image/png")

    @app.get("/api/stills/{still_id}/result.png")
    def still_result(still_id: str, strength: float = 1.0) -> Response:
        return Response(png(stills.get(still_id).at(check_strength(strength))), media_type="image/png")

    @app.post("/api/stills/{still_id}/keep")
    def still_keep(still_id: str, strength: float = 1.0) -> dict[str, str]:
        still = stills.get(still_id)
        path = keep_image(studio.gallery, still.at(check_strength(strength)), still.source, still.student, strength)
        return {"name": path.name}

    # Video
    @app.post("/api/videos")
    async def video_upload(request: Request, student: str, strength: float = 1.0, name: str = "video") -> dict:
        chosen = find_student_named(studio, student)
        check_strength(strength)
        check_declared_size(name, request.headers.get("content-length"), VIDEO_LIMIT)
        upload = free_path(studio.uploads, f"{result_name(name, chosen.name, strength, '')}{Path(name).suffix.lower()[:6]}")
        await save_limited(request.stream(), upload, name, VIDEO_LIMIT)
        await run_in_threadpool(check_video_upload, upload, name)
        dst = free_path(studio.gallery, result_name(name, chosen.name, strength, ".mp4"))
        job = jobs.start("video", f"{name} → {chosen.name}",
                         lambda job: convert_upload(job, upload, dst, chosen, strength, backend))
        return job.as_dict()

    @app.get("/api/jobs")
    def jobs_list() -> list[dict[str, object]]:
        return [job.as_dict() for job in jobs.all()]

    @app.get("/api/jobs/{job_id}")
    def job_state(job_id: str) -> dict[str, object]:
        return jobs.get(job_id).as_dict()

    # Webcam
    @app.post("/api/webcam")
    async def webcam_frame(request: Request, student: str, strength: float = 1.0) -> Response:
        data = await body(request, "webcam frame", WEBCAM_FRAME_LIMIT)
        chosen = find_student_named(studio, student)
        check_strength(strength)

        def stylize() -> bytes:
            return jpeg(students.stylize(chosen, photo_from_upload(data, "webcam frame"), strength))

        return Response(await run_in_threadpool(stylize), media_type="image/jpeg")

    # Gallery
    @app.get("/api/gallery")
    def gallery_list() -> list[dict[str, object]]:
        return [item.__dict__ for item in list_gallery(studio.gallery)]

    @app.get("/api/gallery/{name}")
    def gallery_file(name: str, download: bool = False) -> FileResponse:
        path = inside(studio.gallery, name)
        if not path.is_file():
            raise FileNotFoundError(f"{name}: not in the gallery")
        return FileResponse(path, filename=name if download else None,
                            content_disposition_type="attachment" if download else "inline")

    # Characters
    @app.get("/api/packs")
    def packs_list() -> list[dict[str, object]]:
        answer = []
        for pack in list_packs(studio):
            character = load_character(pack.folder)
            teacher_palette = getattr(character.teacher, "palette", None)
            answer.append({
                "name": pack.name, "built_in": pack.built_in, "description": character.description,
                "palette": teacher_palette, "skin_tone": character.skin.tone if character.skin else None,
                "references": len(list((pack.folder / "references").glob("*.png"))),
                "photos": len(list(inside(studio.photos, pack.name).glob("*.png")))
                if (studio.photos / pack.name).is_dir() else 0,
            })
        return answer

    def pack_folder(name: str) -> Path:
        """The root's folder for the pack `name`; a built-in pack's name is refused, as the new pack would hide it."""
        if any(pack.built_in and pack.name == name for pack in list_packs(studio)):
            raise FileExistsError(f"character {name!r}: a built-in pack; give the new one another name")
        return inside(studio.characters, check_name(name, "character"))

    async def save_picture(request: Request, folder: Path, filename: str) -> dict[str, object]:
        data = await body(request, filename, PHOTO_LIMIT)
        rgb = await run_in_threadpool(photo_from_upload, data, filename)
        folder.mkdir(parents=True, exist_ok=True)
        path = free_path(folder, f"{plain_stem(filename)}.png")
        await run_in_threadpool(write_image, path, rgb)
        return {"name": path.name, "count": len(list(folder.glob("*.png")))}

    @app.post("/api/characters/import")
    async def pack_import(request: Request) -> dict[str, str]:
        data = await body(request, "pack zip", PACK_LIMIT)
        folder = await run_in_threadpool(import_pack_zip, data, studio.characters, PACK_UNPACK_LIMIT)
        return {"name": folder.name}

    @app.post("/api/characters/{name}/references")
    async def reference_upload(request: Request, name: str, filename: str = "reference") -> dict[str, object]:
        return await save_picture(request, pack_folder(name) / "references", filename)

    @app.get("/api/characters/{name}/suggested")
    def suggested_colours(name: str) -> dict[str, object]:
        folder = pack_folder(name) / "references"
        pictures = sorted(folder.glob("*.png")) if folder.is_dir() else []
        if not pictures:
            raise FileNotFoundError(f"character {name!r}: upload a few reference pictures first")
        colours = reference_colours([photo_from_upload(p.read_bytes(), p.name) for p in pictures])
        return {"palette": colours.palette, "skin_tone": colours.skin_tone}

    @app.post("/api/characters/{name}")
    def pack_save(name: str, colours: PackColours) -> dict[str, str]:
        pack_folder(name)
        folder = write_new_pack(studio.characters, name, colours.palette, colours.skin_tone, colours.description)
        return {"name": folder.name}

    @app.post("/api/characters/{name}/photos")
    async def distill_photo_upload(request: Request, name: str, filename: str = "photo") -> dict[str, object]:
        find_pack(studio, name)
        return await save_picture(request, inside(studio.photos, name), filename)

    @app.post("/api/characters/{name}/distill")
    def distill_start(name: str, minutes: float = DEFAULT_DISTILL_MINUTES) -> dict[str, object]:
        pack = find_pack(studio, name)
        photos = inside(studio.photos, name)
        if not photos.is_dir() or not any(photos.glob("*.png")):
            raise FileNotFoundError(f"character {name!r}: upload the photos to distill from first")
        if not 0 < minutes <= 24 * 60:
            raise ValueError(f"minutes {minutes}: give a training time between a few seconds and a day")
        command = [sys.executable, "-m", "celflow", "-v", "distill", str(photos), str(inside(studio.runs, name)),
                   "--character", str(pack.folder), "--minutes", str(minutes)]
        log = free_path(studio.jobs, f"distill-{name}-{time.strftime('%Y%m%d-%H%M%S')}.log")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # its lines reach the page as they are printed

        def distill(job: Job) -> str:
            run_process(job, command, log, env)
            return name

        job = jobs.start("distill", f"distill {name}", distill)
        return job.as_dict()

    @app.get("/api/characters/{name}/pack.zip")
    def pack_export(name: str) -> Response:
        pack = find_pack(studio, name)
        return Response(pack_zip(pack.folder), media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{pack.name}.zip"'})

    return app

