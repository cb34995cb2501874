"""The national public-service portal's catalog: a second tier of knowledge behind the curated KB.

`parse` reads one portal record, `importer` a whole crawl, `store` the data file in `catalog/`
(`load_catalog()` at start-up), `stats` what was parsed; see docs/catalog.md.
"""
