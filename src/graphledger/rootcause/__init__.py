"""Root-cause candidates and single points of failure: walking upstream from a CI."""
