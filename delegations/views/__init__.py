"""Server-rendered pages of the delegations app: visits, itinerary and report."""
