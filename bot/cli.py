"""`caunoi` command line: train, run, chat and knowledge-base tools."""

from __future__ import annotations

import argparse
import sys

from bot.settings import project_root


def _kb_validate(args: argparse.Namespace) -> int:
    from bot.kb import load_kb

    kb = load_kb(args.dir or project_root() / "procedures_kb", log_drafts=False)  # listed below instead
    for error in kb.errors:
        print(f"ERROR {error}", file=sys.stderr)
    for draft in kb.drafts:
        # A draft is never served, so what it still lacks is staff's to-do list, not a failure.
        print(f"DRAFT {draft.file}: not served until checked and its `draft: true` line is deleted")
        if draft.todo:
            print(f"  still to write: {', '.join(draft.todo)}")
        for problem in draft.problems:
            print(f"  to fix: {problem}")
    drafts = f", {len(kb.drafts)} draft{'s' if len(kb.drafts) > 1 else ''} not served" if kb.drafts else ""
    print(f"{len(kb.procedures)} procedures valid, {len(kb.errors)} problems{drafts}.")
    return 1 if _languages_validate(kb, args) or kb.errors else 0


def _languages_validate(kb, args: argparse.Namespace) -> int:  # noqa: ANN001 - a KnowledgeBase
    """The language packs beside the KB: their bad entries are problems, an incomplete pack is not."""
    from pathlib import Path

    from bot.languages.registry import load_languages
    from bot.settings import load_settings

    settings = load_settings()
    folder = Path(args.languages) if getattr(args, "languages", None) else settings.languages_dir
    found = load_languages(folder, kb, settings.commune, settings.top_procedures)
    for error in found.errors:
        print(f"ERROR {error}", file=sys.stderr)
    for code, missing in found.missing.items():
        state = "offered" if not missing else f"not offered yet, {len(missing)} core texts to approve"
        print(f"LANGUAGE {code} ({found.packs[code].vi_name}): {state}")
    return len(found.errors)


def _kb_draft(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.kb.draft import DraftError, write_draft

    kb_dir = Path(args.kb_dir) if args.kb_dir else project_root() / "procedures_kb"
    try:
        written = write_draft(args.procedure, kb_dir, args.id, args.force)
    except DraftError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.status
    check = written.check
    print(f"Wrote {written.path}: a draft of {written.record.code} {written.record.name}.")
    print("It is not served until staff rewrite it in plain words, check it against its sources and delete "
          "its `draft: true` line (procedures_kb/README.md).")
    if check.todo:
        print(f"Still to write: {', '.join(check.todo)}")
    if check.problems:
        print(f"Portal text too long or too much for a phone screen ({len(check.problems)}): "
              f"see `caunoi kb validate{' --dir ' + str(kb_dir) if args.kb_dir else ''}`")
    return 0


def _kb_show(args: argparse.Namespace) -> int:
    from bot.dialogue.answers import RENDERERS
    from bot.kb.shared import procedure_or_complain
    from bot.settings import load_settings

    procedure = procedure_or_complain(args.id)
    if procedure is None:
        return 1
    for topic, render in RENDERERS.items():
        print(f"== {topic}\n{render(procedure, load_settings().commune)}\n")
    print(f"Nguồn: {', '.join(s.ref for s in procedure.sources)}; kiểm tra ngày {procedure.verified_on}")
    return 0


def _kb_export(args: argparse.Namespace) -> int:
    from bot.runtime.training import export_nlu

    changed = export_nlu(project_root())
    print("nlu/procedures_generated.yml " + ("updated." if changed else "already up to date."))
    return 0


def _train(args: argparse.Namespace) -> int:
    from bot.runtime.training import train

    train(project_root(), force=args.force)
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.runtime.supervisor import RunOptions, run
    from bot.runtime.training import train

    root = project_root()
    train(root)  # a no-op when the model is current
    return run(root, RunOptions(args.host, args.port, args.actions_port))


def _chat(args: argparse.Namespace) -> int:
    from bot.runtime.chat import chat

    return chat(project_root(), args.url)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caunoi", description="Cầu Nối assistant")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train the model if its inputs changed")
    p.add_argument("--force", action="store_true", help="train even if nothing changed")
    p.set_defaults(func=_train)

    p = sub.add_parser("run", help="start the assistant (REST at /webhooks/rest/webhook)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5005)
    p.add_argument("--actions-port", type=int, default=5055)
    p.set_defaults(func=_run)

    p = sub.add_parser("chat", help="chat in the terminal")
    p.add_argument("--url", help="REST webhook of a running assistant")
    p.set_defaults(func=_chat)

    kb = sub.add_parser("kb", help="knowledge-base tools").add_subparsers(dest="kb", required=True)
    p = kb.add_parser("validate", help="check every procedure file")
    p.add_argument("--dir", help="folder to check (default procedures_kb/)")
    p.add_argument("--languages", help="language packs to check with it (default languages/)")
    p.set_defaults(func=_kb_validate)
    p = kb.add_parser("draft", help="write a draft entry from a national-portal procedure, for staff to finish",
                      description="Write procedures_kb/<id>.yml prefilled from the national portal's record, "
                      "marked `draft: true` (never served until staff check it and delete the marker).")
    p.add_argument("procedure", metavar="portal:CODE", help="the portal procedure, as `caunoi report` lists it")
    p.add_argument("--id", help="the new entry's id (default: a short ascii form of the portal name)")
    p.add_argument("--kb-dir", help="knowledge-base folder (default procedures_kb/)")
    p.add_argument("--force", action="store_true", help="overwrite an existing draft (never a checked entry)")
    p.set_defaults(func=_kb_draft)
    p = kb.add_parser("show", help="print every answer for one procedure")
    p.add_argument("id")
    p.set_defaults(func=_kb_show)
    p = kb.add_parser("export-nlu", help="regenerate nlu/procedures_generated.yml")
    p.set_defaults(func=_kb_export)

    from bot.cards.cli import add_parser as add_checklist_parser
    from bot.catalog.cli import add_parser as add_catalog_parser
    from bot.console.cli import add_parser as add_staff_parser
    from bot.languages.cli import add_parser as add_language_parser
    from bot.privacy.cli import add_parser as add_purge_parser
    from bot.report.cli import add_parser as add_report_parser
    from bot.status.cli import add_parser as add_status_parser
    from bot.voice.cli import add_parser as add_voice_parser

    add_voice_parser(sub)
    add_status_parser(sub)  # caunoi status import|show
    add_checklist_parser(sub)  # caunoi checklist ID --png/--pdf
    add_report_parser(sub)  # caunoi report
    add_purge_parser(sub)  # caunoi purge
    add_catalog_parser(sub)  # caunoi catalog import|stats
    add_language_parser(sub)  # caunoi lang export|import|record-import|status
    add_staff_parser(sub)  # caunoi staff add|passwd|disable|enable|list
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except ValueError as exc:  # bad settings file and the like: one clear line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
