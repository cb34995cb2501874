"""Printable cards: the large-print document checklist (`bot.cards.checklist`), `caunoi checklist`."""
