"""Code, ColorPicker, DateTime, HighlightedText, Label and Gradio's aliases: values in and out,
refusals, Pygments' output, a Label's confidences."""

from __future__ import annotations

import functools
import warnings
from datetime import UTC, datetime

import pytest

import blocksstate as gr
from blocksstate.components.code import HIGHLIGHT_LIMIT, highlight_code
from blocksstate.components.schema import InvalidValue
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption

# -- Code -----------------------------------------------------------------------------------------


def test_code_is_highlighted_by_pygments_line_by_line_and_escaped():
    html = highlight_code('def f():\n    return "<b>"\n', "python")
    lines = html.split("\n")[:-1]
    assert len(lines) == 3  # the last, empty line too: the page shows the text's lines
    assert lines[0].startswith('<span class="bs-code-line"><span class="k">def</span>')
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_a_string_spanning_lines_is_closed_on_each_line():
    html = highlight_code('x = """a\nb"""', "python")
    first, second = html.split("\n")[:2]
    assert first.count("<span") == first.count("</span>")
    assert second.count("<span") == second.count("</span>")


def test_code_without_a_language_and_very_long_code_are_escaped_not_highlighted():
    assert highlight_code("<i>", None) == '<span class="bs-code-line">&lt;i&gt;</span>\n'
    long = "<" * (HIGHLIGHT_LIMIT + 1)
    assert 'class="o"' not in highlight_code(long, "python")
    assert highlight_code(long, "python").count("&lt;") == HIGHLIGHT_LIMIT + 1


def test_every_gradio_language_is_known_and_an_unknown_one_refused():
    for language in gr.Code.languages:
        highlight_code("x", language)
    with pytest.raises(ValueError, match="'cobol' is not supported"):
        gr.Code(language="cobol")


def test_code_values_are_text_and_a_file_tuple_is_refused():
    code = gr.Code("  x = 1\n", language="python")
    assert code.initial_value() == "  x = 1\n"  # kept as given (Gradio strips it)
    assert code.preprocess("y") == "y"
    with pytest.raises(InvalidValue, match="expected text"):
        code.preprocess(3)
    with pytest.raises(InvalidValue, match="read the file"):
        code.postprocess(("a.py",))


def test_code_gradio_options_are_accepted_and_unsupported_ones_warned():
    code = gr.Code(lines=3, max_lines=2, wrap_lines=True, show_line_numbers=False)
    assert code.max_lines == 3  # as Gradio: never fewer than lines
    with pytest.warns(UnsupportedOption, match="autocomplete"):
        gr.Code(autocomplete=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gr.Code(buttons=None)


def code_app():
    with gr.Blocks() as demo:
        code = gr.Code("x = 1", language="python", label="Source", interactive=True)
        viewer = gr.Code(label="Viewer")
        language = gr.Textbox(label="Language")
        gr.Button("Show").click(lambda c: c, code, viewer)
        language.submit(lambda lang: gr.update(language=lang), language, viewer)
    return demo, code, viewer


def test_a_code_only_shown_is_not_editable_and_one_given_to_a_handler_is():
    demo, code, viewer = code_app()
    assert code.is_interactive() and not viewer.is_interactive()
    assert sum(1 for d in demo.dependencies if viewer in d.inputs) == 1  # its echo only


async def test_an_edit_comes_back_highlighted_and_a_language_update_redraws_it():
    demo, code, viewer = code_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            reply = await page.trigger("Source", "change", {"Source": "import os"})
            entry = reply.updates[code.id]
            assert entry["value"] == "import os"
            assert '<span class="kn">import</span>' in entry["html"]

            await page.click("Show")
            reply = await page.trigger("Language", "submit", {"Language": "css"})
            assert reply.updates[viewer.id]["language"] == "css"
            assert reply.updates[viewer.id]["value"] == "import os"
            assert 'class="k' not in reply.updates[viewer.id]["html"]

            reply = await page.trigger("Language", "submit", {"Language": "cobol"})
            assert reply.status == "failed"


# -- ColorPicker ----------------------------------------------------------------------------------


def test_a_colour_is_hex_rrggbb_and_anything_else_refused():
    picker = gr.ColorPicker("#ABC")
    assert picker.initial_value() == "#aabbcc"
    assert picker.preprocess("#FF8800") == "#ff8800"
    for bad in ("red", "#12345", "#gggggg", 12, "#ff8800; x"):
        with pytest.raises(InvalidValue, match="#rrggbb"):
            picker.preprocess(bad)
    with pytest.raises(InvalidValue, match="cannot show"):
        picker.postprocess("blue")
    assert set(type(picker).property_names()) >= {"value", "label", "info", "interactive"}


# -- DateTime -------------------------------------------------------------------------------------


def test_datetime_hands_each_type_and_shows_each_kind_of_value():
    utc = gr.DateTime(0, timezone="UTC")
    assert utc.initial_value() == "1970-01-01 00:00:00"
    assert utc.to_handler("1970-01-02 00:00:00") == 86400.0
    as_datetime = gr.DateTime(type="datetime", timezone="Europe/Paris")
    moment = as_datetime.to_handler("2024-05-01 12:00:00")
    assert moment.isoformat() == "2024-05-01T12:00:00+02:00"
    assert as_datetime.postprocess(datetime(2024, 5, 1, 10, tzinfo=UTC)) == ("2024-05-01 12:00:00")
    as_string = gr.DateTime(type="string", include_time=False)
    assert as_string.preprocess("2024-05-01") == "2024-05-01"
    assert as_string.to_handler("2024-05-01") == "2024-05-01"
    assert gr.DateTime().preprocess("now").startswith(str(datetime.now().year))


def test_datetime_refuses_bad_dates_types_and_zones():
    picker = gr.DateTime()
    for bad in ("2024-13-01 00:00:00", "yesterday", "now + 2h", "x" * 100):
        with pytest.raises(InvalidValue):
            picker.preprocess(bad)
    with pytest.raises(InvalidValue, match="expected a date as text"):
        picker.preprocess(12)
    with pytest.raises(InvalidValue, match="cannot show"):
        picker.postprocess([2024])
    with pytest.raises(ValueError, match="type must be one of"):
        gr.DateTime(type="epoch")
    with pytest.raises(ValueError, match="not a known time zone"):
        gr.DateTime(timezone="Mars/Olympus")
    assert "submit" in dir(type(picker)) and not hasattr(type(picker), "focus")


# -- HighlightedText -----------------------------------------------------------------------------


def test_highlighted_text_takes_pairs_or_entities_and_combines_adjacent_spans():
    text = gr.HighlightedText(combine_adjacent=True, adjacent_separator=" ")
    shown = text.postprocess(
        {
            "text": "Ada Lovelace lived in London",
            "entities": [
                {"entity": "PER", "start": 0, "end": 3},
                {"entity": "PER", "start": 4, "end": 12},
                {"entity_group": "LOC", "start": 22, "end": 28},
            ],
        }
    )
    assert shown == [
        {"token": "Ada", "class_or_confidence": "PER"},
        {"token": " ", "class_or_confidence": None},
        {"token": "Lovelace", "class_or_confidence": "PER"},
        {"token": " lived in ", "class_or_confidence": None},
        {"token": "London", "class_or_confidence": "LOC"},
    ]
    assert text.to_handler(shown)[0] == {"token": "Ada", "class_or_confidence": "PER"}
    combined = gr.HighlightedText(combine_adjacent=True).postprocess([("a", "X"), ("b", "X")])
    assert combined == [{"token": "ab", "class_or_confidence": "X"}]


def test_highlighted_text_is_drawn_escaped_with_its_colours_and_legend():
    text = gr.HighlightedText(color_map={"LOC": "#00ff00"}, show_legend=True)
    value = text.postprocess([("<Paris>", "LOC"), (" is ", None), ("big", 0.5)])
    html = text.page_form(value)["html"]
    assert "&lt;Paris&gt;" in html and "<Paris>" not in html
    assert 'data-bs-color="#00ff00"' in html and 'aria-label="Legend"' in html
    assert 'data-bs-color="rgba(255, 80, 80, 0.50)"' in html
    hidden = text.page_form(value, {"show_legend": False})["html"]
    assert "Legend" not in hidden


def test_highlighted_text_refuses_bad_values_colours_and_selects():
    text = gr.HighlightedText()
    for bad in ("text", [("a",)], [(1, "X")], {"text": "a"}, [("a", ["X"])]):
        with pytest.raises(InvalidValue):
            text.postprocess(bad)
    with pytest.raises(InvalidValue, match="lie in the text"):
        text.postprocess({"text": "abc", "entities": [{"entity": "X", "start": 2, "end": 9}]})
    with pytest.raises(ValueError, match="CSS colour"):
        gr.HighlightedText(color_map={"X": "red; background: url(x)"})
    value = text.postprocess([("a", "X"), ("b", None)])
    assert text.select_data({"index": 0}, {}, value)["value"] == ["a", "X"]
    with pytest.raises(ValueError, match="index of a span"):
        text.select_data({"index": 5}, {}, value)
    with pytest.warns(UnsupportedOption, match="interactive"):
        gr.HighlightedText(interactive=True)


# -- Label ----------------------------------------------------------------------------------------


def test_label_confidences_are_ordered_cut_to_the_top_classes_and_drawn_as_bars():
    label = gr.Label(num_top_classes=2)
    value = label.postprocess({"dog": 0.2, "cat": 0.7, "eel": 0.1})
    assert value == {
        "label": "cat",
        "confidences": [{"label": "cat", "confidence": 0.7}, {"label": "dog", "confidence": 0.2}],
    }
    assert label.to_handler(value) == {"cat": 0.7, "dog": 0.2}
    html = label.page_form(value)["html"]
    assert html.count("<meter") == 2 and "70%" in html and "20%" in html
    assert label.postprocess({"label": "x", "confidences": [{"label": "a", "confidence": 1}]}) == {
        "label": "a",
        "confidences": [{"label": "a", "confidence": 1.0}],
    }


def test_label_text_numbers_and_empty_values():
    label = gr.Label()
    assert label.postprocess("cat") == {"label": "cat", "confidences": []}
    assert label.to_handler(label.postprocess(3)) == "3"
    assert label.postprocess({}) is None and label.postprocess(None) is None
    assert "bs-label-top" not in gr.Label(show_heading=False).page_form({"label": "x"})["html"]


def test_label_refuses_bad_scores_colours_and_selects():
    label = gr.Label()
    for bad in ({"a": "high"}, {"a": float("nan")}, {"a": True}, [1, 2], True):
        with pytest.raises(InvalidValue):
            label.postprocess(bad)
    with pytest.raises(ValueError, match="CSS colour"):
        gr.Label(color="x;y")
    with pytest.raises(ValueError, match="positive int"):
        gr.Label(num_top_classes=0)
    value = label.postprocess({"a": 0.6, "b": 0.4})
    assert label.select_data({"index": 1}, {}, value)["value"] == "b"
    with pytest.raises(ValueError, match="index of a class"):
        label.select_data({"index": 2}, {}, value)
    assert 'data-bs-color="orange"' in gr.Label(color="orange").page_form(value)["html"]


# -- aliases --------------------------------------------------------------------------------------


def test_gradio_aliases_name_the_same_components():
    assert gr.Text is gr.Textbox and gr.Json is gr.JSON
    assert gr.Checkboxgroup is gr.CheckboxGroup
    assert gr.Highlightedtext is gr.HighlightedText and gr.Highlight is gr.HighlightedText
    area = gr.TextArea()
    assert isinstance(area, gr.Textbox) and (area.lines, area.max_lines) == (7, 20)
    assert gr.TextArea(lines=2).lines == 2


async def test_long_code_is_highlighted_off_the_event_loop():
    import threading

    from blocksstate.components import code as code_module

    seen: list[bool] = []
    original = code_module.highlight_code.__wrapped__

    def spy(text, language):
        seen.append(threading.current_thread() is threading.main_thread())
        return original(text, language)

    long_text = "\n".join(["x = 1"] * 200)  # 1,199 characters
    with gr.Blocks() as demo:
        button = gr.Button("Show")
        code = gr.Code(language="python", label="Code")
        button.click(lambda: long_text, None, code)
    code_module.highlight_code.cache_clear()
    wrapped = functools.lru_cache(maxsize=32)(spy)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(code_module, "highlight_code", wrapped)
        with registered(demo) as app:
            async with PageClient(app) as page:
                await page.click("Show")
                assert page.value(code) == long_text
                sent = [f for f in page.received if f["type"] == "update"][-1]
    assert seen and seen[0] is False  # the first (and only) highlighting ran in a thread
    assert len(seen) == 1  # the event loop found it in the cache
    assert sent["updates"][str(code.id)]["html"].count("bs-code-line") == 200
