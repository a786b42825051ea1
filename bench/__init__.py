"""`make bench`: a large programme, gunicorn, a load tool, and the numbers that matter."""
