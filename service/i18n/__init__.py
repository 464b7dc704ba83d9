"""service.i18n: the one message catalogue (gettext ``.po`` files read with Babel).

Everything a person reads is Vietnamese by default and English on request. Messages are
English msgids in the code (``tr.gettext("Officer coverage")``, ``N_("Seconded cadre")``
for labels kept as data, ``{{ _("...") }}`` in templates); their translations live in
``service/i18n/locales/<lang>/LC_MESSAGES/messages.po``. A third language is one more
``.po`` file (and its code in :data:`LANGS`). See ``python -m service.i18n --help``.
"""

from service.i18n.negotiate import COOKIE, DEFAULT_LANG, LANGS, UnknownLanguage, negotiate
from service.i18n.translator import Translator, translator

__all__ = [
    "COOKIE",
    "DEFAULT_LANG",
    "LANGS",
    "Translator",
    "UnknownLanguage",
    "negotiate",
    "translator",
]
