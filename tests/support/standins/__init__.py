"""Local stand-ins for remote services this machine cannot reach (Telegram, Zalo), speaking their real
HTTP protocols on loopback so the project's real client code talks to them."""
