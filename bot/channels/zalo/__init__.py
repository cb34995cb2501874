"""Zalo Official Account protocol layer: webhook signatures, event parsing, OA tokens and the v3 message API.

Nothing here knows about Rasa; the Rasa input channel is built on top of these modules:

- `signature`: verify the `X-ZEvent-Signature` header Zalo puts on every webhook call.
- `events`: turn a webhook body into a typed event (or a `ZaloPayloadError` naming the bad field).
- `tokens`: the OA access/refresh token pair, stored atomically on disk.
- `token_db`: the same pair in a SQL database shared by replicas, refreshed under a database lock.
- `client`: `ZaloClient`, which sends consultation messages and refreshes the tokens.
"""
