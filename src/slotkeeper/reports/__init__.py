"""Reports for an organization's managers: bookings by status, utilisation per provider,
busiest hours and revenue per week, over a date range."""
