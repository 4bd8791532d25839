# One date style in Indonesian: "1 Des 2026", "1 Des 2026 08.15" (the dot is the Indonesian time
# separator). Templates use ``|date`` (a day) and ``|date:"DATETIME_FORMAT"`` (a moment) only.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H.i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H.i"
TIME_FORMAT = "H.i"
