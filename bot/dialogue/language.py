"""Choosing the language of the replies: offered, remembered, never guessed.

With no language pack past the gate (bot/languages/registry.py) this layer does nothing at all. With
some, the first reply of a conversation offers them (each by its own name), every reply carries a
"change language" button, `/ngonngu` or the words for it bring the choice back, and a choice is
remembered per sender past the session. A message in a language's letters only puts that language's
button first: it never switches by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from bot.dialogue.intents import ANSWER_TOPICS, Intent, Topic
from bot.dialogue.reply import Reply, payload
from bot.dialogue.turn import Context, Outcome, Turn
from bot.languages.recorded import phrase_key, recording_key
from bot.languages.registry import Languages
from bot.languages.script import suggest
from bot.languages.team import LanguageTeam, named_language
from bot.languages.wording import VIETNAMESE, VIETNAMESE_CODE, Wording, in_language
from bot.settings import Commune

logger = logging.getLogger(__name__)

ENTITY = "language"  # the choice buttons' entity
COMMANDS = frozenset({"/ngonngu", "/ngon_ngu", "/language", "/lang"})
VIETNAMESE_BUTTON = "Tiếng Việt"
MULTIPLE = "mul"
# Where the server serves a recording (bot/channels/recording_files/channel.py).
RECORDING_URL = "/webhooks/recordings/{code}/{key}.{fmt}"


class ChoiceStore(Protocol):
    def language_of(self, sender: str) -> str | None: ...

    def remember_language(self, sender: str, language: str) -> None: ...


ChoiceStoreFactory = Callable[[], "ChoiceStore | None"]


class LanguageLayer:
    def __init__(self, languages: Languages, commune: Commune, teams: dict[str, LanguageTeam] | None = None,
                 choices: ChoiceStoreFactory | None = None,
                 source_hash_of: Callable[[str], str | None] | None = None) -> None:
        self.languages = languages
        self.commune = commune
        self._source_hash_of = source_hash_of or (lambda key: None)  # what a recording must still say
        self.teams = teams or {}
        self._choices = choices or (lambda: None)
        # What Vietnamese speakers call each language, from its pack and from the team list.
        self.names: dict[str, tuple[str, ...]] = {code: t.names for code, t in self.teams.items()}
        for code, pack in languages.packs.items():
            self.names[code] = (pack.vi_name, *pack.also_called, *self.names.get(code, ()))

    @property
    def active(self) -> bool:
        return bool(self.languages.offered)

    def language_of(self, turn: Turn) -> tuple[str | None, bool]:
        """The sender's language, and whether this is the first turn we know nothing of it."""
        if turn.context.language is not None or not self.active:
            return turn.context.language, False
        remembered = self._remembered(turn.sender)
        if remembered is not None and self.languages.is_offered(remembered):
            return remembered, False
        return None, True

    def _remembered(self, sender: str) -> str | None:
        try:
            store = self._choices()
            return store.language_of(sender) if store is not None else None
        except Exception:  # a database problem costs the remembered choice, never the answer
            logger.exception("language choice not read")
            return None

    def _remember(self, sender: str, code: str) -> None:
        try:
            store = self._choices()
            if store is not None:
                store.remember_language(sender, code)
        except Exception:  # the slot still holds it for this session
            logger.exception("language choice not kept")

    def choose(self, turn: Turn, context: Context) -> Outcome | None:
        """The choice menu, or the choice made; None when the turn is about something else."""
        if not self.active:
            return None
        wanted = turn.entities.get(ENTITY) if turn.intent == Intent.CHOOSE_LANGUAGE else None
        if wanted is not None and self.languages.is_offered(wanted):
            self._remember(turn.sender, wanted)
            w = self.languages.wording(wanted)
            text, _ = in_language(w, lambda w: w.phrase("language.chosen"))
            reply = Reply(text, Topic.LANGUAGE, None, language=w.marks)
            return Outcome(reply, context.with_(language=wanted))
        if turn.intent == Intent.CHOOSE_LANGUAGE or turn.text.strip().lower() in COMMANDS:
            return Outcome(self.menu(context.language), context)
        return None

    def menu(self, current: str | None) -> Reply:
        """The question in Vietnamese and in every offered language, one button per language."""
        lines = [VIETNAMESE.phrase("language.choose")]
        for code in self.languages.offered:
            lines.append(self.languages.wording(code).phrase_or_vietnamese("language.choose"))
        # Marked "mul" (ISO 639: several languages): no text-to-speech reads the other languages' lines.
        return Reply("\n".join(dict.fromkeys(lines)), Topic.LANGUAGE, None, self.buttons(),
                     language=MULTIPLE if len(set(lines)) > 1 else None, prompts=self.prompts() or None)

    def prompts(self) -> list[dict[str, str]]:
        """Each offered language's recorded "which language?", for people who cannot read the buttons."""
        found = []
        for code in self.languages.offered:
            audio = self._recorded(code, phrase_key("language.choose"))
            if audio is not None:
                found.append({"language": code, "name": self._own_name(code), **audio})
        return found

    def choices(self, first: str | None = None) -> list[dict[str, str]]:
        """Vietnamese and each offered language, `{code, name, payload}`, by its own name; `first` leads."""
        codes = [VIETNAMESE_CODE, *self.languages.offered]
        if first in codes:
            codes.remove(first)
            codes.insert(0, first)
        return [{"code": code, "name": self._own_name(code),
                 "payload": payload(Intent.CHOOSE_LANGUAGE, **{ENTITY: code})} for code in codes]

    def buttons(self, first: str | None = None) -> list[dict[str, str]]:
        """One button per language (`choices`)."""
        return [{"title": c["name"], "payload": c["payload"]} for c in self.choices(first)]

    def _own_name(self, code: str) -> str:
        if code == VIETNAMESE_CODE:
            return VIETNAMESE_BUTTON
        return self.languages.offered[code].own_name or code

    def suggested(self, text: str) -> str | None:
        """The offered language whose letters the message is written in, if exactly one is."""
        script = suggest(text)
        matching = [c for c, p in self.languages.offered.items() if script is not None and p.script == script.value]
        return matching[0] if len(matching) == 1 else None

    def team_reply(self, turn: Turn, language: str | None) -> Reply | None:
        """"Tôi muốn nói với người biết tiếng X": the team members who speak it."""
        code = named_language(turn.text, self.names)
        if code is None:
            return None
        w = self.languages.wording(language)
        text, _ = in_language(w, lambda w: self.team_lines(w, code))
        return Reply(text, Topic.HUMAN, turn.context.procedure, contact=dict(self.commune.__dict__),
                     language=w.marks)

    def team_lines(self, w: Wording, code: str) -> str:
        team = self.teams.get(code)
        name = self._name_in(w, code)
        if team is None or not team.members:
            return w.phrase("team.none", language=name, contact=w.contact(self.commune))
        return "\n".join([w.phrase("team.intro", language=name), *(m.line() for m in team.members)])

    def _name_in(self, w: Wording, code: str) -> str:
        """A language's name as this wording says it: its own name in itself, else what Vietnamese call it."""
        if w.code == code:
            return w.phrase("language.name")
        names = self.names.get(code)
        return names[0] if names else code

    def finish(self, outcome: Outcome, turn: Turn, language: str | None, first: bool) -> Outcome:
        """What every reply gets once languages are offered: the line before a part in Vietnamese, the
        team of the person's language after a fallback, the choice on a first turn, the button."""
        reply, context = outcome.reply, outcome.context
        w = self.languages.wording(language)
        if w is not VIETNAMESE and reply.language is None:
            intro, _ = in_language(w, lambda w: w.phrase("language.in_vietnamese"))
            reply = replace(reply, text=intro + "\n" + reply.text, language=w.code)
        if w is not VIETNAMESE and reply.topic in (Topic.FALLBACK, Topic.UNKNOWN_PROCEDURE):
            if (team := self.teams.get(w.code)) is not None and team.members:
                extra, _ = in_language(w, lambda w: self.team_lines(w, w.code))
                reply = replace(reply, text=reply.text + "\n\n" + extra)
        if reply.topic != Topic.LANGUAGE:
            if first:
                reply = replace(reply, buttons=[*reply.buttons, *self.buttons(self.suggested(turn.text))],
                                prompts=self.prompts() or None)
            else:
                title = w.phrase_or_vietnamese("language.button")
                reply = replace(reply, buttons=[*reply.buttons, {"title": title,
                                                                 "payload": payload(Intent.CHOOSE_LANGUAGE)}])
        if w is not VIETNAMESE and (audio := self.recording(w.code, reply)) is not None:
            reply = replace(reply, audio=audio)
        return Outcome(reply, context.with_(language=context.language or language or VIETNAMESE_CODE))

    def recording(self, code: str, reply: Reply) -> dict[str, str] | None:
        """The addresses of a team member's recording of this reply, when one speaks today's text."""
        key = _recording_key(reply)
        return self._recorded(code, key) if key is not None else None

    def _recorded(self, code: str, key: str) -> dict[str, str] | None:
        recordings = self.languages.recordings.get(code)
        # Only a recorded key costs the Vietnamese answer's rendering, to check the recording still says it.
        if recordings is None or key not in recordings or recordings.fresh(key, self._source_hash_of(key)) is None:
            return None
        return {fmt: RECORDING_URL.format(code=code, key=key, fmt=fmt) for fmt in ("ogg", "mp3")}


# The phrase each kind of small talk says, for its recording ("phrase.greet").
_PHRASE_OF = {Topic.GREET: "greet", Topic.GOODBYE: "goodbye", Topic.THANKS: "thanks", Topic.HELP: "help",
              Topic.HUMAN: "human", Topic.OUT_OF_SCOPE: "out_of_scope", Topic.FALLBACK: "fallback",
              Topic.CLARIFY: "clarify", Topic.UNKNOWN_PROCEDURE: "unknown", Topic.LANGUAGE: "language.chosen"}


def _recording_key(reply: Reply) -> str | None:
    if reply.topic in ANSWER_TOPICS:
        pid = reply.procedure_id
        return recording_key(pid, reply.topic) if pid and reply.source == "kb" else None
    return phrase_key(_PHRASE_OF[reply.topic]) if reply.topic in _PHRASE_OF else None
