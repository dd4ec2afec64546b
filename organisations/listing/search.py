"""Search that understands people: full-text on PostgreSQL, the nearest words when nothing matches.

``q`` is only ever read as words (letters, digits and the marks written on them): quotes, ``&``,
``|``, ``!``, ``:*`` and backslashes cannot become query syntax. On PostgreSQL each word matches by
its English stem, and a word for a person who does something ("counsellor", "therapist",
"psychologists") also by the stemmed prefix of what they do, so "counsellor" finds "counselling"
and "therapist" finds "therapy". Exact stems are cheap for the GIN index; prefixes are not, so only
those words get one. A word in another script (Arabic, Urdu, Bengali) has no English stem: it is
matched as written, as the documents keep the names of types and languages in every interface
language (migration 0013).

When nothing matches, each word is replaced by the most alike word in the directory's own
vocabulary (``organisations_searchword``, trigram-indexed; migration 0006) and the search runs
again: "anxeity councelling" becomes "anxiety counselling". Each word's stems and nearest word are
looked up once per process and version of the directory (``known``). SQLite, the embedded
default, keeps a case-insensitive match of every word (``ServiceQuerySet.search``).

The weighted search documents and their triggers are in migrations 0004, 0006 and 0013; the order
of relevance, and the index of names' words it walks, in finders.py, sql.py and migration 0007.
"""

import unicodedata

from django.db import connection, transaction

from ..caching.memo import memo
from . import sql

MAX_WORDS = 10
# Endings of a word for a person who does something, longest first, and the shortest root kept.
AGENT_ENDINGS = ("ists", "ors", "ers", "ist", "or", "er")
SHORTEST_ROOT = 5
# How alike a directory word must be to a misspelled one to replace it ("anxeity"/"anxiety" is
# 0.33), for pg_trgm's index-backed "%" operator. PostgreSQL's own default too, but set with SET
# LOCAL in the lookup's own transaction, so that neither a server's setting nor a pooled
# connection's last user can change it.
SIMILARITY_THRESHOLD = 0.3
# What this process knows of words searched for, at one version of the directory (``known``).
KNOWN = memo.shelf("search words", limit=lambda: 10_000)


def words(text):
    """The words of ``text``, lower-cased: letters and digits, with the marks written on them.

    Marks are Bengali's vowel signs and virama, Arabic's vowel marks and combining accents:
    Python's \\w (and so re) has none of them, and with it "কাউন্সেলিং" was four words. A mark
    with no letter or digit before it belongs to no word, and is dropped with everything else.
    """
    kept = []
    for character in text:
        kind = unicodedata.category(character)[0]
        if kind in "LN" or (kind == "M" and kept and kept[-1] != " "):
            kept.append(character)
        else:
            kept.append(" ")
    return [word.lower() for word in "".join(kept).split()][:MAX_WORDS]


def forms(word):
    """How one word is searched: itself, and for "counsellor" the root "counsell" as a prefix."""
    for ending in AGENT_ENDINGS:
        root = word[: -len(ending)]
        if word.endswith(ending) and len(root) >= SHORTEST_ROOT:
            return [word, f"{root}:*"]
    return [word]


def word_query(word):
    """One word's part of a to_tsquery string: the word, or its forms, any of them."""
    found = forms(word)
    return found[0] if len(found) == 1 else "(" + " | ".join(found) + ")"


def tsquery(text):
    """A to_tsquery string: every word required, each in its forms."""
    return " & ".join(word_query(word) for word in words(text))


def known(searched, version, *, occurrence=False):
    """For each word: its lexemes (PostgreSQL's English stems; none for a stop word); the
    directory's nearest word: itself when the directory has it, else the most alike word (by
    pg_trgm, above its similarity threshold), else itself; and whether any listed service's
    document matches the word in its forms (True for a stop word, which needs nothing; None for a
    nearest word learned on the way, until ``occurrence`` is asked for).

    Kept in this process for the directory's ``version``, so a repeated word costs nothing and a
    new one costs one query for all of them (in a transaction of its own, with the threshold set
    for it alone). The nearest word's own lexemes come with it.
    """
    found = KNOWN.get_many(version, dict.fromkeys(searched))
    missing = [
        word
        for word in dict.fromkeys(searched)
        if word not in found or (occurrence and found[word][2] is None)
    ]
    if missing:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL pg_trgm.similarity_threshold = {SIMILARITY_THRESHOLD}")
            cursor.execute(sql.WORDS_AND_NEAREST, [missing, [word_query(w) for w in missing]])
            for word, stems, occurs, nearest, nearest_stems in cursor.fetchall():
                found[word] = (tuple(stems), nearest or word, occurs)
                KNOWN.put(version, word, found[word])
                if nearest and nearest not in found and KNOWN.get(version, nearest) is None:
                    KNOWN.put(version, nearest, (tuple(nearest_stems), nearest, None))
    return [found[word] for word in searched]


def may_match(text, version):
    """False when some word of ``text`` is in no listed service's document, so that the search,
    which needs every word, cannot match anything: the search as typed is then not run at all,
    and the nearest words are searched for at once. Exact for the ``version``: the listing table
    holds every listed service's document, and ``known`` is kept for one version only."""
    found = known(words(text), version, occurrence=True)
    return all(occurs for _stems, _nearest, occurs in found)


def exact_words(text, version):
    """The lexemes ``text`` needs exactly, one per word, and whether they are all it needs.

    A word for a person ("counsellor") also matches a prefix, and a word PostgreSQL splits in
    two is a phrase: neither is one exact lexeme. Stop words need nothing.
    """
    searched = words(text)
    exact, complete = [], True
    for word, (stems, _nearest, _occurs) in zip(searched, known(searched, version), strict=True):
        if len(stems) == 1 and len(forms(word)) == 1:
            if stems[0] not in exact:
                exact.append(stems[0])
        elif stems:
            complete = False
    return exact, complete


def nearest_words(searched, version):
    """Each of ``searched`` replaced by the directory's most alike word, if one is alike."""
    return [nearest for _stems, nearest, _occurs in known(searched, version)]
