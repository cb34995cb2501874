"""The kiosk page for technology points and community digital teams, served by the Rasa server itself.

One page (`static/`: HTML, plain JS, CSS, no build step, nothing from the internet) at /webhooks/kiosk/:
push-to-talk, procedure pictures to tap, answers read aloud, document checklists with pictures.
`channel.py` is the Rasa input channel: the page, its JSON API (/text, /voice) and the spoken answers.
"""
