"""Gradio's size scales (``gr.themes.sizes``): text, spacing and radius, each xxs to xxl."""

from __future__ import annotations

STEPS = ("xxs", "xs", "sm", "md", "lg", "xl", "xxl")


class Size:
    """A scale of seven CSS lengths, ``xxs`` to ``xxl``."""

    def __init__(
        self,
        xxs: str,
        xs: str,
        sm: str,
        md: str,
        lg: str,
        xl: str,
        xxl: str,
        name: str | None = None,
    ) -> None:
        self.name = name
        for step, value in zip(STEPS, (xxs, xs, sm, md, lg, xl, xxl), strict=True):
            setattr(self, step, value)

    def expand(self) -> list[str]:
        """Return the lengths, smallest first."""
        return [getattr(self, step) for step in STEPS]

    def __repr__(self) -> str:
        return f"<Size {self.name or 'custom'}>"


def _scale(name: str, lengths: str) -> Size:
    return Size(*(f"{n}px" for n in lengths.split()), name=name)


radius_none = _scale("radius_none", "0 0 0 0 0 0 0")
radius_sm = _scale("radius_sm", "1 1 2 4 6 8 12")
radius_md = _scale("radius_md", "1 2 4 6 8 12 22")
radius_lg = _scale("radius_lg", "2 4 6 8 12 16 24")
radius_xxl = _scale("radius_xxl", "6 8 10 20 24 28 32")
spacing_sm = _scale("spacing_sm", "1 1 2 4 6 9 12")
spacing_md = _scale("spacing_md", "1 2 4 6 8 10 16")
spacing_lg = _scale("spacing_lg", "2 4 6 8 10 14 28")
text_sm = _scale("text_sm", "8 9 11 13 16 20 24")
text_md = _scale("text_md", "9 10 12 14 16 22 26")
text_lg = _scale("text_lg", "10 12 14 16 20 24 28")

SCALES: dict[str, Size] = {
    size.name: size  # type: ignore[misc]
    for size in (
        radius_none, radius_sm, radius_md, radius_lg, radius_xxl,
        spacing_sm, spacing_md, spacing_lg, text_sm, text_md, text_lg,
    )
}  # fmt: skip


def scale(value: Size | str, kind: str, option: str) -> Size:
    """Return ``value`` as a Size: a Size as is, or ``kind``'s scale by its short name (``"sm"``)."""
    if isinstance(value, Size):
        return value
    if isinstance(value, str) and f"{kind}_{value}" in SCALES:
        return SCALES[f"{kind}_{value}"]
    names = [name.removeprefix(f"{kind}_") for name in SCALES if name.startswith(f"{kind}_")]
    raise ValueError(f"{option}={value!r}: not a gr.themes.Size nor one of {', '.join(names)}")
