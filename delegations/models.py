"""Delegation visits to BGI: invitation, members, objectives, itinerary, logistics, report."""
