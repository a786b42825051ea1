"""The programme as each role meets it: dashboards, the timeline and the status API."""
