"""One Zalo Official Account for the Zalo unit tests: its app, its first tokens and a follower."""

APP_ID = "360846524940903967"
APP_SECRET = "app-secret-Kd93"
AT0 = "AT-initial-9f8e7d"  # the access token the store is seeded with
RT0 = "RT-initial-1a2b3c"  # and its refresh token
USER = "246845883529197922"
