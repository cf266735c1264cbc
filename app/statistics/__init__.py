"""Supervision statistics (issue 13, points 5–8): daily roll-ups kept by a job, the figures
read from them, their charts, the annual report and the open data."""
