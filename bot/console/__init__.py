"""The staff console at /console/: the desk's and the digital team's tools as pages (issue 16)."""
