"""How the assistant uses the voice core (`voice/`): settings, KB phrase hints, privacy rules, the
`caunoi voice` commands and the async service the channels call. The core itself knows nothing of
the assistant; everything that reads settings or the knowledge base lives here."""
