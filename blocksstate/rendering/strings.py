"""Every sentence the page script shows a visitor, in the active language (the page config's
``strings``; ``static/blocksstate/strings.js`` reads them with ``t(key, params)``).

A new text the page shows is added here, with a key, and read in the script with
``t("key", {name: value})``; the script holds no visitor text of its own
(``tests/test_translations.py`` checks it). ``%(name)s`` placeholders are filled by the
page. A plural is a ``{"one": ..., "other": ...}`` pair, picked with the page's
``Intl.PluralRules`` for ``params.count``.

``TYPE_NAMES`` are what the page calls a component that has no label (``Block.type_name``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..i18n import gettext_noop

Entry = str | dict[str, str]

# What a page calls a component without a label (its accessible name), by ``type_name``:
# marked here for ``makemessages``, translated when a component is rendered.
TYPE_NAMES = (
    gettext_noop("Accordion"),
    gettext_noop("Audio"),
    gettext_noop("Bar plot"),
    gettext_noop("Button"),
    gettext_noop("Chatbot"),
    gettext_noop("Checkbox"),
    gettext_noop("Checkbox group"),
    gettext_noop("Code"),
    gettext_noop("Color picker"),
    gettext_noop("Column"),
    gettext_noop("Dataframe"),
    gettext_noop("Dataset"),
    gettext_noop("Date and time"),
    gettext_noop("DownloadButton"),
    gettext_noop("Dropdown"),
    gettext_noop("File"),
    gettext_noop("Gallery"),
    gettext_noop("Group"),
    gettext_noop("HTML"),
    gettext_noop("Highlighted text"),
    gettext_noop("Image"),
    gettext_noop("JSON"),
    gettext_noop("Label"),
    gettext_noop("Line plot"),
    gettext_noop("Markdown"),
    gettext_noop("MultimodalTextbox"),
    gettext_noop("NativePlot"),
    gettext_noop("Number"),
    gettext_noop("Plot"),
    gettext_noop("Radio"),
    gettext_noop("Row"),
    gettext_noop("Scatter plot"),
    gettext_noop("Sidebar"),
    gettext_noop("Slider"),
    gettext_noop("Tab"),
    gettext_noop("Tabs"),
    gettext_noop("Textbox"),
    gettext_noop("Timer"),
    gettext_noop("UploadButton"),
    gettext_noop("Video"),
)


def _plural(forms: Callable[[int], str]) -> dict[str, str]:
    """A plural entry: ``forms`` is ``lambda n: ngettext(singular, plural, n)``."""
    return {"one": forms(1), "other": forms(2)}


def page_strings() -> dict[str, Entry]:
    """The page script's texts by key, in the active language."""
    return {
        # The connection (client.js): its status line, and why it was closed for good.
        "reconnecting": _("Reconnecting…"),
        "waiting": _plural(
            lambda n: ngettext("%(count)s action waiting.", "%(count)s actions waiting.", n)
        ),
        "refused.4401": _("This app is not open to you: sign in, or reload the page."),
        "refused.4403": _(
            "This page cannot connect to the app: the server does not accept connections "
            "from this address."
        ),
        "refused.4404": _(
            "This app is not available on the server any more. Reloading the page may help."
        ),
        "refused.4409": _("This session continued in another tab or window."),
        "refused": _("The server refused the connection (code %(code)s)."),
        "session_ended": _("The server ended this session."),
        # Notices (alerts.js, client.js).
        "error": _("Error"),
        "warning": _("Warning"),
        "dismiss": _("Dismiss"),
        "page_function_failed": _("The page's function failed: %(error)s"),
        "progress": _("Progress"),
        # While an event runs (progress.js): "processing | 1.2s", "queued | 0.4s", an ETA.
        "progress.processing": _("processing"),
        "progress.queued": _("queued"),
        "progress.elapsed": _("%(seconds)ss"),
        "progress.eta": _("ETA %(seconds)ss"),
        # The Chatbot (chat.js).
        "chat.user": _("You"),
        "chat.assistant": _("Assistant"),
        "chat.system": _("System"),
        "chat.working": _("(working…)"),
        "chat.duration": _("(%(seconds)ss)"),
        "chat.edit_message": _("Edit message"),
        "chat.save": _("Save"),
        "chat.cancel": _("Cancel"),
        "chat.copy": _("Copy"),
        "chat.copy_message": _("Copy message"),
        "chat.like": _("Like"),
        "chat.dislike": _("Dislike"),
        "chat.edit": _("Edit"),
        "chat.retry": _("Retry"),
        "chat.undo": _("Undo"),
        "chat.copy_all": _("Copy all"),
        "chat.copy_conversation": _("Copy conversation"),
        "chat.clear": _("Clear"),
        "chat.clear_conversation": _("Clear conversation"),
        # Tables (dataframe.js, dataset.js): the names of cells and samples.
        "table.header": _("Header %(column)s"),
        "table.column": _("Column %(column)s"),
        "table.cell": _("%(column)s, row %(row)s"),
        "dataset.sample": _("Sample %(number)s"),
        # Files (file-components.js, file-views.js, file-sources.js, uploads.js).
        "file": _("file"),
        "file.remove": _("Remove %(name)s"),
        "file.image": _("Image %(number)s"),
        "file.upload": _("Upload a File"),
        "file.download": _("Download"),
        "size.bytes": _plural(lambda n: ngettext("%(size)s byte", "%(size)s bytes", n)),
        "size.KB": _("%(size)s KB"),
        "size.MB": _("%(size)s MB"),
        "size.GB": _("%(size)s GB"),
        "size.TB": _("%(size)s TB"),
        "source.record": _("Record"),
        "source.stop_recording": _("Stop recording"),
        "source.clipboard_empty": _("The clipboard holds no image."),
        "source.clipboard_denied": _(
            "The clipboard could not be read: allow this page to read it, or paste with Ctrl+V."
        ),
        "source.webcam_denied": _(
            "The webcam could not be opened: allow this page to use it, or upload a file."
        ),
        "source.capture_failed": _("The picture could not be taken: try again, or upload a file."),
        "source.microphone_denied": _(
            "The microphone could not be opened: allow this page to use it, or upload a file."
        ),
        "upload.one": _("Uploading %(name)s"),
        "upload.many": _plural(
            lambda n: ngettext("Uploading %(count)s file", "Uploading %(count)s files", n)
        ),
        "upload.unavailable": _(
            "Uploads are not available: this site does not serve blocksstate's upload URL."
        ),
        "upload.session_ended": _("This session has ended: reload the page to upload."),
        "upload.not_connected": _("Not connected to the server yet: try again in a moment."),
        "upload.lost": _("The upload failed: the connection to the server was lost. Try again."),
        "upload.refused": _("The server refused the upload (HTTP %(status)s)."),
        # Layouts (layouts.js): a tab's or a sidebar's name when its label is taken away.
        "tab": _("Tab"),
        "sidebar": _("Sidebar"),
    }
