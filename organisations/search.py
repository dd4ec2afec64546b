"""Search that understands people: full-text on PostgreSQL, the nearest words when nothing matches.

``q`` is only ever read as words (letters and digits): quotes, ``&``, ``|``, ``!``, ``:*`` and
backslashes cannot become query syntax. On PostgreSQL each word matches by its English stem, and a
word for a person who does something ("counsellor", "therapist", "psychologists") also by the
stemmed prefix of what they do, so "counsellor" finds "counselling" and "therapist" finds "therapy".
Exact stems are cheap for the GIN index; prefixes are not, so only those words get one.

When nothing matches, each word is replaced by the most alike word in the directory's own
vocabulary (``organisations_searchword``, trigram-indexed; migration 0006) and the search runs
again: "anxeity councelling" becomes "anxiety counselling". SQLite, the embedded default, keeps a
case-insensitive match of every word.

The weighted search documents and their triggers are in migrations 0004 and 0006.
"""

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

MAX_WORDS = 10
# Endings of a word for a person who does something, longest first, and the shortest root kept.
AGENT_ENDINGS = ("ists", "ors", "ers", "ist", "or", "er")
SHORTEST_ROOT = 5
_WORD = re.compile(r"[^\W_]+")


def words(text):
    """The words of ``text``, lower-cased: everything else is dropped."""
    return [word.lower() for word in _WORD.findall(text)][:MAX_WORDS]


def full_text_available():
    return connection.vendor == "postgresql"


def forms(word):
    """How one word is searched: itself, and for "counsellor" the root "counsell" as a prefix."""
    for ending in AGENT_ENDINGS:
        root = word[: -len(ending)]
        if word.endswith(ending) and len(root) >= SHORTEST_ROOT:
            return [word, f"{root}:*"]
    return [word]


def tsquery(text):
    """A to_tsquery string: every word required, each in its forms."""
    groups = []
    for word in words(text):
        found = forms(word)
        groups.append(found[0] if len(found) == 1 else "(" + " | ".join(found) + ")")
    return " & ".join(groups)


def full_text(queryset, text):
    """Services whose weighted document matches every word of ``text``."""
    query = tsquery(text)
    if not query:
        return queryset.none()
    return queryset.filter(
        pk__in=RawSQL(
            "SELECT id FROM organisations_service WHERE search_vector @@ to_tsquery('english', %s)",
            [query],
        )
    )


def nearest_words(searched):
    """Each of ``searched`` replaced by the most alike word of the directory, if one is alike.

    One query for all the words; a word nothing is like (below pg_trgm's similarity threshold)
    stays as it was.
    """
    if not searched:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT w.word FROM organisations_searchword w WHERE w.word %% s.word "
            "ORDER BY similarity(w.word, s.word) DESC, w.word LIMIT 1) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS s(word, n) ORDER BY s.n",
            [searched],
        )
        return [found or word for (found,), word in zip(cursor.fetchall(), searched, strict=True)]


def contains_every_word(queryset, text):
    """SQLite: every word appears, in any case, in a name, summary, description or type."""
    for word in words(text):
        queryset = queryset.filter(
            pk__in=queryset.model.objects.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(service_types__name__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(organisation__summary__icontains=word)
                | Q(organisation__description__icontains=word)
            ).values("pk")
        )
    return queryset
