"""Make (photo → webtoon) pairs: teachers, face landmarks, person masks, face warping."""
