"""Translations: every text a visitor reads goes through gettext, the page script holds none
of its own, and a page rendered in French is answered in French over its socket."""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

import blocksstate as gr
from blocksstate.app.registry import get_app
from blocksstate.components.base import Block
from blocksstate.rendering import page_config, render_app
from blocksstate.rendering.strings import TYPE_NAMES, page_strings
from blocksstate.sessions.actions import disconnect
from blocksstate.testing import PageClient, registered
from tests.helpers_files import PNG, browser, files_app, page, upload

pytest_plugins = ["tests.helpers_files_fixtures"]  # media

PACKAGE = Path(__file__).resolve().parent.parent / "blocksstate"
FRENCH_PO = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
SCRIPTS = sorted((PACKAGE / "static" / "blocksstate").glob("*.js"))

# Words French writes as English does: not a sign of a missing translation.
SAME_IN_FRENCH = {
    "Assistant",
    "Audio",
    "Code",
    "HTML",
    "Image",
    "Image %(number)s",
    "JSON",
    "Markdown",
    "Webcam",
}


def shipped_french() -> dict:
    """The compiled French catalogue blocksstate ships (its .mo only, not Django's)."""
    return gettext.translation("django", str(PACKAGE / "locale"), ["fr"])._catalog  # type: ignore[attr-defined]


def english_page_strings() -> dict:
    with translation.override("en"):
        return page_strings()


# -- the catalogue -----------------------------------------------------------------------------


def test_every_text_of_the_page_script_has_a_french_translation():
    catalogue = shipped_french()
    missing = []
    for key, text in english_page_strings().items():
        if isinstance(text, dict):  # a plural: its singular names it, each form translated
            forms = [catalogue.get((text["one"], index)) for index in (0, 1)]
            if not all(forms):
                missing.append(key)
        elif not catalogue.get(text) or (catalogue[text] == text and text not in SAME_IN_FRENCH):
            missing.append(key)
    assert missing == []


def test_the_page_config_carries_the_active_language_and_its_texts():
    with gr.Blocks() as demo:
        gr.Textbox(label="Name")
    demo.name = "i18n-config"

    with translation.override("fr"):
        config = page_config(demo)
    english = page_config(demo)

    assert config["language"] == "fr"
    assert config["strings"]["reconnecting"] == "Reconnexion…"
    assert config["strings"]["waiting"] == {
        "one": "%(count)s action en attente.",
        "other": "%(count)s actions en attente.",
    }
    assert english["language"] == "en-us"
    assert english["strings"]["reconnecting"] == "Reconnecting…"


def test_every_component_on_a_page_is_named_in_the_catalogue():
    """An unlabelled component is called by its ``type_name``: each one has a translation."""

    def rendered(cls: type) -> list[type]:
        found = []
        for sub in cls.__subclasses__():
            if sub.template_name:
                found.append(sub)
            found.extend(rendered(sub))
        return found

    # blocksstate's own (other tests define components of their own).
    names = {cls.type_name for cls in rendered(Block) if cls.__module__.startswith("blocksstate.")}
    catalogue = shipped_french()
    assert sorted(names - set(TYPE_NAMES)) == []
    assert sorted(n for n in TYPE_NAMES if not catalogue.get(n)) == []


def _po_entries(path: Path) -> dict:
    """``msgid`` (or ``(msgid, index)`` for plural forms) to ``msgstr``, read from a .po file."""
    entries: dict = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ""
                line = match.group(2)
            elif not line.startswith('"'):
                current = None
                continue
            if current:
                fields[current] += ast.literal_eval(line)
        if not fields.get("msgid"):
            continue
        if "msgid_plural" in fields:
            for index in (0, 1):
                entries[(fields["msgid"], index)] = fields.get(f"msgstr[{index}]", "")
        else:
            entries[fields["msgid"]] = fields.get("msgstr", "")
    return entries


def test_the_shipped_french_is_whole_and_compiled_from_its_po():
    entries = _po_entries(FRENCH_PO)
    assert len(entries) > 150
    assert [msgid for msgid, text in entries.items() if not text] == []
    compiled = shipped_french()
    assert {k: v for k, v in compiled.items() if k != ""} == entries


def test_blocksstate_imports_before_django_is_set_up():
    """A script that calls ``launch()`` imports blocksstate first: nothing may translate then."""
    script = "import blocksstate, blocksstate.rendering.strings, blocksstate.transport.consumer"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PACKAGE.parent, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()


# -- the page script ---------------------------------------------------------------------------

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`')
# What the scripts may spell in English: never shown to a visitor.
TECHNICAL = {
    "Enter",  # KeyboardEvent.key values
    "Escape",
    "Tab",
    "Files",  # a DataTransfer type
    "plotly.js did not load",  # an Error for the console
    "no answer",  # a WebSocket close reason, never shown
}


def _visitor_texts(source: str) -> list[str]:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    source = re.sub(r"(^|[^:\\])//[^\n]*", r"\1", source)
    found = []
    for match in LITERAL.finditer(source):
        literal = next(group for group in match.groups() if group is not None)
        text = re.sub(r"\$\{[^}]*\}|\\u[0-9a-fA-F]{4}", " ", literal).strip()
        if literal in TECHNICAL or text.startswith(("blocksstate:", ".", "#", ":", "[")):
            continue
        if all(word.startswith("bs-") for word in text.split()):
            continue  # class names
        words = re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", text)
        if words or re.fullmatch(r"[A-Z][a-z]+", text):
            found.append(literal)
    return found


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_the_page_script_spells_no_visitor_text_itself(script):
    assert _visitor_texts(script.read_text(encoding="utf-8")) == []


def test_the_check_finds_english_in_a_script():
    source = 'button.textContent = "Add row"; node.title = `Remove ${name}`; t("chat.copy");'
    assert _visitor_texts(source) == ["Add row", "Remove ${name}"]


def test_every_text_a_script_asks_for_is_in_the_catalogue():
    keys = set(english_page_strings())
    asked = set()
    for script in SCRIPTS:
        source = script.read_text(encoding="utf-8")
        asked |= set(re.findall(r'\bt\(\s*"([^"]+)"', source))
        asked |= set(re.findall(r'buttonCaption\([^,]+,\s*"([^"]+)"\)', source))
    # Keys made from a value: refused.<close code>, chat.<role>, size.<unit>.
    asked |= {"refused.4403", "refused.4404", "refused.4409"}
    asked |= {f"chat.{role}" for role in ("user", "assistant", "system")}
    asked |= {f"size.{unit}" for unit in ("KB", "MB", "GB", "TB")}
    assert len(asked) > 50
    assert sorted(asked - keys) == []


# -- pages and their sockets -------------------------------------------------------------------


def number_app() -> gr.Blocks:
    with gr.Blocks() as demo:
        age = gr.Number(label="Age", maximum=120)
        said = gr.Textbox(label="Said")
        table = gr.Dataframe(
            [[1]], headers=["n"], datatype="number", interactive=True, label="Numbers"
        )
        gr.Button("Check").click(lambda a: f"{a} ({_('Cancel')})", age, said)
        gr.Button("Fail").click(lambda: 1 / 0, None, said)
        table.change(lambda t: "", table, said)
    return demo


def test_a_page_rendered_in_french_shows_french_labels():
    with gr.Blocks() as demo:
        gr.Dataframe([[1]], headers=["n"], interactive=True)
        gr.Image()
    with registered(demo) as app, translation.override("fr"):
        html = render_app(get_app(app))

    assert 'lang="fr"' in html
    assert "Ajouter une ligne" in html and "Add row" not in html
    assert "ou déposez un fichier ici" in html and "Aucune image" in html
    # Components without a label are called by their kind, in French.
    assert '<p class="bs-caption bs-sr-only" id="bs-' in html
    assert ">Tableau de données</p>" in html and 'data-bs-name="Image"' in html


def test_gradio_s_default_words_are_said_in_french_and_an_app_s_own_as_they_are():
    from django.utils.translation import gettext_lazy

    chat = gr.ChatInterface(lambda message, history: message)
    with gr.Blocks() as demo:
        gr.Button()
        gr.UploadButton()
        gr.Textbox(label="Your name", placeholder=gettext_lazy("Cancel"))
    with registered(chat) as chat_app, registered(demo) as app, translation.override("fr"):
        chat_html = render_app(get_app(chat_app))
        html = render_app(get_app(app))

    assert 'placeholder="Écrivez un message…"' in chat_html and ">Envoyer</button>" in chat_html
    # The site's catalogue decides the wording: Django 6's admin, installed first, says
    # "Exécuter" for "Run" where blocksstate says "Lancer" (docs/getting-started.md).
    with translation.override("fr"):
        run = translation.gettext("Run")
    assert run in ("Lancer", "Exécuter") and f">{run}</button>" in html
    assert ">Envoyer un fichier</button>" in html
    assert ">Your name</label>" in html and 'placeholder="Annuler"' in html


async def test_a_refused_value_is_said_in_the_language_of_the_page():
    with registered(number_app()) as app:
        async with PageClient(app, language="fr") as visitor:
            reply = await visitor.trigger("Check", "click", {"Age": 200})

            assert reply.error["code"] == "invalid_input"
            assert reply.error["message"].endswith("\u00a0: doit être au plus 120")
            # The next event, well within bounds, runs with the handler in French too.
            await visitor.click("Check", {"Age": 30})
            assert visitor.value("Said") == "30.0 (Annuler)"


async def test_an_english_page_is_answered_in_english():
    with registered(number_app()) as app, override_settings(DEBUG=False):
        async with PageClient(app, language="en") as visitor:
            reply = await visitor.trigger("Check", "click", {"Age": 200})
            assert reply.error["message"].endswith(": must be at most 120")
            failed = await visitor.trigger("Fail", "click")
            assert [(a["title"], a["message"]) for a in failed.alerts] == [
                ("Error", "Something went wrong while handling this event.")
            ]


async def test_a_failed_handler_and_its_default_title_are_said_in_french():
    with registered(number_app()) as app, override_settings(DEBUG=False):
        async with PageClient(app, language="fr") as visitor:
            failed = await visitor.trigger("Fail", "click")

    assert [(a["title"], a["message"]) for a in failed.alerts] == [
        ("Erreur", "Une erreur s’est produite pendant le traitement de cette action.")
    ]


async def test_without_a_language_in_hello_the_socket_follows_the_browser():
    french_browser = [(b"accept-language", b"fr-FR,fr;q=0.9,en;q=0.5")]
    with registered(number_app()) as app:
        async with PageClient(app, headers=french_browser) as visitor:
            reply = await visitor.trigger("Check", "click", {"Age": 200})
    assert "doit être au plus 120" in reply.error["message"]


async def test_a_language_the_site_does_not_offer_is_ignored():
    french_browser = [(b"accept-language", b"fr")]
    with registered(number_app()) as app, override_settings(LANGUAGES=[("en", "English")]):
        async with PageClient(app, headers=french_browser, language="fr") as visitor:
            reply = await visitor.trigger("Check", "click", {"Age": 200})
    assert reply.error["message"].endswith(": must be at most 120")


async def test_a_language_that_is_not_text_is_refused_and_changes_nothing():
    with registered(number_app()) as app:
        visitor = PageClient(app)
        await visitor.connect()
        await visitor.send({"type": "hello", "protocol": 1, "resume": None, "language": 12})
        error = await visitor.expect_error()
        assert error["code"] == "bad_frame" and "'language'" in error["message"]
        assert visitor.session is None
        # A right hello afterwards starts the session.
        visitor.language = "fr"
        await visitor.hello()
        reply = await visitor.trigger("Check", "click", {"Age": 200})
        assert "doit être au plus" in reply.error["message"]
        await visitor.close()


async def test_a_word_in_a_number_cell_is_refused_in_french():
    with registered(number_app()) as app:
        async with PageClient(app, language="fr") as visitor:
            table = {"headers": ["n"], "data": [["beaucoup"]]}
            reply = await visitor.trigger("Numbers", "change", {"Numbers": table})
    assert "ligne 1, colonne 'n'\u00a0: nombre attendu, reçu 'beaucoup'" in reply.error["message"]


async def test_an_administrator_s_disconnect_is_said_in_the_page_s_language():
    with registered(number_app()) as app:
        visitor = PageClient(app, language="fr")
        await visitor.open()
        assert await disconnect(visitor.session_id)
        frames, _code = await visitor.until_closed()
    assert {"type": "closed", "reason": "Déconnecté par un administrateur."} in frames


async def test_an_app_refused_to_a_visitor_says_why_in_the_page_s_language(register_blocks):
    from django.contrib.auth.models import AnonymousUser

    app = register_blocks(number_app(), login_required=True)

    page = PageClient(app, user=AnonymousUser(), language="fr")
    reason, code = await page.refused()
    assert (reason, code) == ("Connectez-vous pour utiliser cette application.", 4401)


async def test_an_upload_is_refused_in_the_page_s_language(media):
    demo, box, _ = files_app(max_file_size="1kb")
    big = PNG + bytes(2000)
    with registered(demo, "files-fr") as app:
        async with page(app) as tab:
            from django.core.files.uploadedfile import SimpleUploadedFile

            file = SimpleUploadedFile("gros.png", big, "image/png")
            headers = {"X-Blocksstate-Language": "fr"}
            response = await upload(browser(), app, tab.session["upload"], box, file, **headers)
    assert response.status_code == 413
    assert response.json()["error"] == (
        "gros.png est trop volumineux\u00a0: les fichiers font au plus 1\u00a0Ko."
    )
