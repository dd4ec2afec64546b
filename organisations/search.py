"""Search that understands people: full-text on PostgreSQL, similar words when that finds nothing.

``q`` is only ever read as words (letters and digits): quotes, ``&``, ``|``, ``!``, ``:*`` and
backslashes cannot become query syntax. On PostgreSQL each word matches by its English stem and by
stemmed prefixes of itself, so "counsellor" finds "counselling" (stems "counsellor" and
"counsel") and "therapist" finds "therapy". When nothing matches, trigram word similarity on
organisation and service names (pg_trgm) finds near spellings. SQLite, the embedded default,
keeps a case-insensitive match of every word.

The weighted ``search_vector`` column and its triggers are in migration 0004.
"""

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

MAX_WORDS = 10
SHORTEST_PREFIX = 5  # "counsel"; shorter prefixes match too much
# How like a searched word a name's word must be is pg_trgm.word_similarity_threshold, set on
# every PostgreSQL connection in settings.py (0.3), so that the "<%" operator can use the index.
_WORD = re.compile(r"[^\W_]+")


def words(text):
    """The words of ``text``, lower-cased: everything else is dropped."""
    return [word.lower() for word in _WORD.findall(text)][:MAX_WORDS]


def full_text_available():
    return connection.vendor == "postgresql"


def tsquery(text):
    """A to_tsquery string: each word as its own prefix or a shorter stem prefix, all required."""
    groups = []
    for word in words(text):
        forms = [word] + [
            word[:length] for length in range(len(word) - 1, SHORTEST_PREFIX - 1, -1)
        ][:3]
        groups.append("(" + " | ".join(f"{form}:*" for form in forms) + ")")
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


def similar_names(queryset, text):
    """Services whose name, or whose organisation's name, has a word like one of ``text``'s."""
    matched = Q(pk__in=[])
    for word in words(text):
        matched |= Q(
            pk__in=RawSQL(
                "SELECT id FROM organisations_service WHERE %s <%% name",
                [word],
            )
        ) | Q(
            organisation_id__in=RawSQL(
                "SELECT id FROM organisations_organisation WHERE %s <%% name",
                [word],
            )
        )
    return queryset.filter(matched)


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


def full_text_rank(text):
    """An organisation's relevance: the rank of its best-matching active service."""
    query = tsquery(text)
    return RawSQL(
        "SELECT max(ts_rank_cd(s.search_vector, to_tsquery('english', %s))) "
        "FROM organisations_service s WHERE s.organisation_id = organisations_organisation.id "
        "AND s.is_active AND s.search_vector @@ to_tsquery('english', %s)",
        [query, query],
    )


def similarity_rank(text):
    """How like the search an organisation's name is (cheap: no look at its services)."""
    parts, params = [], []
    for word in words(text):
        parts.append("word_similarity(%s, organisations_organisation.name)")
        params.append(word)
    return RawSQL(" + ".join(parts) or "0", params)
