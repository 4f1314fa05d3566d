"""celflow: distil slow, high-quality webtoon teachers into a real-time student.

This package holds the CLI and the records every stage shares; it imports nothing heavy at module level.
"""

__version__ = "0.1.0"
