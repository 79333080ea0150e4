"""Creator analytics: the daily rollups of the signal log, and the dashboard's reads of them."""
