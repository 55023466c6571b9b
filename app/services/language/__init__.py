"""The words people read: text the rules write for translation (`text.N_`), and dates, times
and money formatted for a locale (`formatting`)."""
