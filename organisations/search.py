"""Search that understands people: full-text on PostgreSQL, the nearest words when nothing matches.

``q`` is only ever read as words (letters and digits): quotes, ``&``, ``|``, ``!``, ``:*`` and
backslashes cannot become query syntax. On PostgreSQL each word matches by its English stem, and a
word for a person who does something ("counsellor", "therapist", "psychologists") also by the
stemmed prefix of what they do, so "counsellor" finds "counselling" and "therapist" finds "therapy".
Exact stems are cheap for the GIN index; prefixes are not, so only those words get one.

When nothing matches, each word is replaced by the most alike word in the directory's own
vocabulary (``organisations_searchword``, trigram-indexed; migration 0006) and the search runs
again: "anxeity councelling" becomes "anxiety counselling". Each word's stems and nearest word are
looked up once per process and version of the directory (``known``). SQLite, the embedded
default, keeps a case-insensitive match of every word.

The weighted search documents and their triggers are in migrations 0004 and 0006; the order of
relevance, and the index of names' words it walks, in organisations/listing.py and migration 0007.
"""

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

MAX_WORDS = 10
# Endings of a word for a person who does something, longest first, and the shortest root kept.
AGENT_ENDINGS = ("ists", "ors", "ers", "ist", "or", "er")
SHORTEST_ROOT = 5
# What this process knows of words searched for, at one version of the directory (``known``).
KNOWN_KEPT = 10_000
_known = {}
_known_at = [None]
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


def known(searched, version):
    """For each word, its lexemes (PostgreSQL's English stems; none for a stop word) and the
    directory's nearest word: itself when the directory has it, else the most alike word (by
    pg_trgm, above its similarity threshold), else itself.

    Kept in this process for the directory's ``version``, so a repeated word costs nothing and a
    new one costs one query for all of them. The nearest word's own lexemes come with it.
    """
    if _known_at[0] != version or len(_known) > KNOWN_KEPT:
        _known.clear()
        _known_at[0] = version
    missing = [word for word in dict.fromkeys(searched) if word not in _known]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.word, tsvector_to_array(to_tsvector('english', s.word)), "
                "n.word, tsvector_to_array(to_tsvector('english', n.word)) "
                "FROM unnest(%s::text[]) AS s(word) LEFT JOIN LATERAL ("
                "SELECT w.word FROM organisations_searchword w "
                "WHERE w.word %% s.word AND NOT EXISTS ("
                "SELECT 1 FROM organisations_searchword v WHERE v.word = s.word) "
                "ORDER BY similarity(w.word, s.word) DESC, w.word LIMIT 1) n ON TRUE",
                [missing],
            )
            for word, stems, nearest, nearest_stems in cursor.fetchall():
                _known[word] = (tuple(stems), nearest or word)
                if nearest:
                    _known.setdefault(nearest, (tuple(nearest_stems), nearest))
    return [_known[word] for word in searched]


def forget():
    """Drop what this process knows of words (tests)."""
    _known.clear()
    _known_at[0] = None


def exact_words(text, version):
    """The lexemes ``text`` needs exactly, one per word, and whether they are all it needs.

    A word for a person ("counsellor") also matches a prefix, and a word PostgreSQL splits in
    two is a phrase: neither is one exact lexeme. Stop words need nothing.
    """
    searched = words(text)
    exact, complete = [], True
    for word, (stems, _nearest) in zip(searched, known(searched, version), strict=True):
        if len(stems) == 1 and len(forms(word)) == 1:
            if stems[0] not in exact:
                exact.append(stems[0])
        elif stems:
            complete = False
    return exact, complete


def nearest_words(searched, version):
    """Each of ``searched`` replaced by the directory's most alike word, if one is alike."""
    return [nearest for _stems, nearest in known(searched, version)]


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
