"""The studio: celflow in a local web page (stylise photos and videos, the webcam, a gallery, characters).

The top floor: it calls the same functions as the command line, so a result made here equals the command's.
"""
