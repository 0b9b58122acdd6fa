"""Input formats for Simplified Chinese, ISO first.

A widget renders a date with the first input format of the active locale. Django's zh_Hans puts `%Y/%m/%d` first,
which `<input type="date">` discards (the HTML standard accepts only `YYYY-MM-DD`), so a default date vanished in
the browser. ISO first, the Chinese forms still accepted when typed.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%n月%j日 %H:%M",
    "%Y年%n月%j日 %H:%M:%S",
]
