"""Make (photo → webtoon) pairs: faces and their meshes, person and skin masks, teachers, face warping, quality filter."""
