"""Fill a database with clearly synthetic, published organisations for benchmarks (issue 3).

Every organisation's name starts with "Synthetic " and its slug with ``synthetic-``; each run adds
more, numbered after the highest synthetic number already there. Rows are made in Python from one
``random.Random`` and written in chunks, each in its own transaction, with bulk inserts (and COPY
for the many-to-many rows on PostgreSQL), so 100,000 organisations take minutes, not hours.

Services delivered in person get venues (issue 15) in real postcode districts, weighted to where
Muslims in the UK live (``VENUE_PLACES``), drawn from a second ``random.Random`` so that the
organisations and services are the ones the same seed gave before venues existed.
"""

import bisect
import itertools
import math
import random
import re
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from organisations.caching.versioning import directory_changed
from organisations.choices import Cost, FaithApproach, Referral
from organisations.facets import BY_PARAM, LOOKUP_FACETS, lookup_models
from organisations.models import Organisation, Service, Venue
from organisations.near import districts
from organisations.services import refresh_statistics

PREFIX = "synthetic-"
CHUNK = 5_000  # organisations per transaction
BATCH = 2_000  # rows per INSERT

# --- Vocabulary -------------------------------------------------------------------------------

# What people come for: (as a sentence says it, as a name says it, weight).
TOPICS = [
    ("anxiety", "Anxiety", 3),
    ("depression", "Depression", 6),
    ("stress", "Stress", 6),
    ("grief and bereavement", "Bereavement", 6),
    ("loneliness", "Loneliness", 5),
    ("trauma", "Trauma", 4),
    ("domestic abuse", "Domestic Abuse", 4),
    ("family conflict", "Family", 6),
    ("marriage difficulties", "Marriage", 4),
    ("parenting worries", "Parenting", 4),
    ("addiction", "Addiction", 3),
    ("low self-esteem", "Confidence", 2),
    ("exam pressure", "Student", 2),
    ("isolation after migration", "Refugee", 2),
    ("spiritual distress", "Faith", 3),
]
EVOCATIVE = [
    "Crescent", "Noor", "Sakina", "Amanah", "Rahma", "Salaam", "Sabr", "Hikmah", "Barakah",
    "Minaret", "Olive Tree", "Lantern", "Haven", "Bridge", "Compass", "Oasis", "Garden",
    "Horizon", "Anchor", "Hope", "Mercy", "Ihsan", "Sanctuary", "Open Door", "Tranquil Hearts",
]  # fmt: skip
KINDS = [
    "Wellbeing", "Support Network", "Counselling", "Foundation", "Trust", "Project", "Collective",
    "Centre", "Helpline", "Circle", "Initiative", "Network", "Listening Service", "Peer Support",
    "Community Support", "Family Service", "Women's Group", "Youth Project", "Mind Matters",
]  # fmt: skip
PLACES = [
    "Birmingham", "Bradford", "Leicester", "Tower Hamlets", "Manchester", "Glasgow", "Cardiff",
    "Luton", "Oldham", "Blackburn", "Leeds", "Bristol", "Sheffield", "Newham", "Slough",
    "Edinburgh", "Belfast", "Dewsbury", "Preston", "Walsall",
]  # fmt: skip
SUMMARY_OPENINGS = [
    "A culturally sensitive", "A faith-sensitive", "An Islamic", "A community-led",
    "A volunteer-run", "A mosque-based", "A confidential", "A small",
]  # fmt: skip
SUMMARY_OFFERS = [
    "charity offering counselling", "service offering listening and peer support",
    "project running a helpline", "organisation offering emotional support",
    "charity offering therapy and group work", "network offering wellbeing sessions",
    "service offering practical and emotional support",
]  # fmt: skip
PEOPLE = [
    "Muslim adults", "young Muslims", "Muslim women", "families", "Muslim men", "couples",
    "parents", "students", "the whole community", "converts to Islam",
    "refugees and asylum seekers", "carers",
]  # fmt: skip
SECOND_SENTENCES = [
    "We work alongside local mosques to break the stigma around mental health.",
    "Our practitioners understand faith and culture.",
    "Support is confidential and non-judgemental.",
    "Run by volunteers from the community.",
    "We also point people to NHS and specialist services.",
    "Our women's group meets every week.",
]
DESCRIPTION_SENTENCES = [
    "Our trained volunteers offer a listening ear to anyone struggling with {topic}.",
    "We work closely with mosques and community groups so that people feel able to ask for help.",
    "Everything we do is rooted in an understanding of Islamic faith and culture.",
    "We run workshops on {topic} and wellbeing for the community.",
    "Families can talk to us about {topic}, marriage and parenting.",
    "Our peer support groups bring together people who know what {topic} feels like.",
    "We help people find culturally sensitive counselling and therapy.",
    "Young people can reach us when stress or loneliness gets too much.",
]
DISCLAIMER = "This is a synthetic listing made for testing; it is not a real organisation."

# Service names and descriptions by the slug of the service's first type.
SERVICE_NAMES = {
    "helpline": ["Helpline", "{Topic} helpline", "Listening line", "Evening helpline"],
    "counselling": [
        "Counselling",
        "Counselling for families",
        "Islamic counselling",
        "{Topic} counselling",
        "Couples counselling",
        "Confidential counselling",
        "Online counselling",
    ],
    "peer-support": [
        "Peer support group",
        "Women's group",
        "{Topic} peer support",
        "Brothers' circle",
        "Sisters' circle",
    ],
    "abuse-support": ["Domestic abuse support", "Support for survivors", "Trauma recovery"],
    "parenting": ["Parenting support", "Parenting course", "Family support"],
    "wellbeing-activities": [
        "Wellbeing walks",
        "Community wellbeing sessions",
        "Sport and wellbeing",
    ],
    "workshops": ["Mental health workshops", "{Topic} workshop", "Stress management workshops"],
    "information": ["Information and signposting", "Advice line"],
    "advocacy": ["Advocacy", "Mental health advocacy"],
    "training": ["Training for imams", "Mental health first aid training"],
    "practitioner-network": ["Find a Muslim therapist", "Practitioner directory"],
}
SERVICE_DESCRIPTIONS = {
    "helpline": "A confidential listening line for anyone struggling with {topic}.",
    "counselling": "One-to-one counselling for {people} experiencing {topic}.",
    "peer-support": "A peer support group where {people} affected by {topic} support one another.",
    "abuse-support": "Support and safety planning for survivors of domestic abuse and trauma.",
    "parenting": "Parenting support for families dealing with {topic}.",
    "wellbeing-activities": "Wellbeing activities for {people}, to ease stress and loneliness.",
    "workshops": "Workshops on {topic} and mental wellbeing for {people}.",
    "information": "Information about {topic} and where to get help.",
    "advocacy": "Advocacy for {people} facing {topic}, including help with appointments.",
    "training": "Training for imams, teachers and community leaders on {topic}.",
    "practitioner-network": "Helps {people} find a Muslim counsellor or therapist.",
}
HOURS = [
    "Monday to Friday, 10am to 4pm", "Weekday evenings, 6pm to 9pm", "Saturdays, 11am to 2pm",
    "By appointment", "Every day, 12pm to midnight", "Tuesdays and Thursdays, 7pm to 9pm",
    "Weekends, 10am to 6pm",
]  # fmt: skip
COST_NOTES = ["Sliding scale; ask about concessions.", "First session free.", "Donations welcome."]

# How often each lookup is picked, by slug (or language code); any other value gets DEFAULT_WEIGHT.
DEFAULT_WEIGHT = 3
TYPE_WEIGHTS = {
    "counselling": 16, "helpline": 13, "peer-support": 12, "wellbeing-activities": 7,
    "workshops": 6, "parenting": 6, "information": 6, "abuse-support": 5, "advocacy": 3,
    "training": 3, "practitioner-network": 2,
}  # fmt: skip
MODE_WEIGHTS = {
    "phone": 35, "in-person": 20, "video": 15, "email": 12, "live-chat": 8, "text": 5,
    "letter": 3, "app": 2,
}  # fmt: skip
AUDIENCE_WEIGHTS = {
    "adults": 30, "young-people": 15, "women": 15, "parents-families": 12, "men": 8,
    "couples": 6, "children": 5, "professionals": 5, "faith-leaders": 4,
}  # fmt: skip
AUDIENCE_PEOPLE = {
    "adults": "adults", "young-people": "young people", "children": "children",
    "women": "women", "men": "men", "parents-families": "parents and families",
    "couples": "couples", "professionals": "professionals", "faith-leaders": "imams and chaplains",
}  # fmt: skip
# Each language independently, as a share of services.
LANGUAGE_SHARES = {
    "en": 0.85, "ur": 0.20, "ar": 0.15, "bn": 0.10, "pa": 0.08, "so": 0.06, "gu": 0.03,
    "tr": 0.02, "fa": 0.02,
}  # fmt: skip
RARE_LANGUAGE_SHARE = 0.01
# The facets drawn in their own way (Generator.facets); any other gets one value or none.
DRAWN = {"type", "mode", "language", "gender", "audience", "area"}
GENDER_SETS = [(("female",), 35), (("male",), 15), (("female", "male"), 30), ((), 20)]
LONDON_SHARE = 0.25  # of the services that are not UK-wide
UK_WIDE_SHARE = 0.15
COST_WEIGHTS = {Cost.FREE: 40, Cost.LOW_COST: 20, Cost.PAID: 20, Cost.NOT_STATED: 20}
FAITH_WEIGHTS = {
    FaithApproach.ISLAMIC: 35, FaithApproach.FAITH_SENSITIVE: 35, FaithApproach.NOT_STATED: 30,
}  # fmt: skip
REFERRAL_WEIGHTS = {
    Referral.SELF: 40, Referral.EITHER: 30, Referral.PROFESSIONAL: 15, Referral.NOT_STATED: 15,
}  # fmt: skip

# --- Venues (DESIGN.md §10) ------------------------------------------------------------------

IN_PERSON = "in-person"  # the delivery mode whose services get venues
# Where venues are: places where many Muslims in the UK live, each with the postcode districts of
# its largest Muslim communities, weighted by its Muslim residents in thousands. APPROXIMATE and
# rounded: England and Wales from Census 2021 (ONS table TS030, religion, by local authority; the
# five largest as the Muslim Council of Britain's "Census 2021 First Look" quotes them:
# Birmingham 341,811, Bradford 166,846, Tower Hamlets 123,912, Manchester 122,962, Newham
# 122,146; the others the authority's Muslim share times its population, good to about a
# tenth, and split by hand where a row is part of an authority or joins several), Glasgow and
# Edinburgh from Scotland's Census 2022, likewise approximate. A place's weight is shared evenly
# by its districts. The rows hold about three quarters of the UK's Muslims; VENUE_SPREAD of the
# venues go to any district at all, each alike, so that every region has some. This shapes
# synthetic data ("near LS6" finds about as much as a real directory might), nothing more.
VENUE_PLACES = [
    # London (about 1.32 million Muslims in 2021)
    ("Tower Hamlets", 124, "E1 E2 E3 E14"),
    ("Newham", 122, "E6 E7 E12 E13 E15 E16"),
    ("Redbridge", 97, "IG1 IG2 IG3 IG4 IG6"),
    ("Brent", 73, "NW10 NW2 HA9 HA0"),
    ("Ealing", 69, "UB1 UB6 W3 W7"),
    ("Waltham Forest", 61, "E10 E11 E17"),
    ("Enfield", 61, "N9 N18 EN1 EN3"),
    ("Barking and Dagenham", 53, "IG11 RM8 RM9 RM10"),
    ("Hounslow", 45, "TW3 TW4 TW5"),
    ("Hillingdon", 45, "UB3 UB4 UB8"),
    ("Harrow", 41, "HA1 HA2 HA3"),
    ("Croydon", 41, "CR0 CR7 SE25"),
    ("Hackney", 34, "E5 E8 N16"),
    ("Haringey", 33, "N15 N17 N22"),
    ("Westminster and Camden", 71, "W2 W9 NW1 NW8"),
    ("Southwark, Lambeth, Lewisham and Greenwich", 111, "SE1 SE5 SE15 SE18 SE6 SE13 SW9 SW2"),
    ("Wandsworth and Merton", 45, "SW17 SW18 CR4"),
    # West Midlands
    ("Birmingham", 342, "B6 B7 B8 B9 B10 B11 B12 B19 B20 B21"),
    ("Sandwell", 45, "B66 B70 B71"),
    ("Walsall", 33, "WS1 WS2 WS3"),
    ("Coventry", 36, "CV1 CV2 CV6"),
    ("Stoke-on-Trent", 20, "ST1 ST4"),
    # North West
    ("Manchester", 123, "M8 M12 M13 M14 M16 M19"),
    ("Oldham", 59, "OL1 OL4 OL8 OL9"),
    ("Blackburn with Darwen", 54, "BB1 BB2"),
    ("Bolton", 47, "BL1 BL3"),
    ("Rochdale", 44, "OL11 OL12 OL16"),
    ("Burnley, Pendle and Hyndburn", 49, "BB10 BB11 BB9 BB5"),
    ("Preston", 22, "PR1 PR2"),
    ("Liverpool", 18, "L7 L8"),
    # Yorkshire and the Humber
    ("Bradford", 167, "BD3 BD4 BD5 BD7 BD8 BD9 BD21"),
    ("Leeds", 63, "LS6 LS7 LS8 LS9 LS11"),
    ("Sheffield", 47, "S2 S3 S4 S9"),
    ("Kirklees: Dewsbury and Batley", 40, "WF12 WF13 WF17"),
    ("Kirklees: Huddersfield", 40, "HD1 HD2 HD5"),
    ("Calderdale", 21, "HX1 HX3"),
    # East Midlands
    ("Leicester", 86, "LE1 LE2 LE4 LE5"),
    ("Nottingham", 34, "NG3 NG7"),
    ("Derby", 23, "DE1 DE23"),
    # East of England
    ("Luton", 74, "LU1 LU2 LU3 LU4"),
    ("Peterborough", 21, "PE1"),
    # South East
    ("Slough", 46, "SL1 SL2"),
    ("Buckinghamshire: High Wycombe", 20, "HP11 HP13"),
    ("Reading", 18, "RG1 RG30"),
    # South West, North East
    ("Bristol", 32, "BS2 BS5 BS6"),
    ("Newcastle upon Tyne", 24, "NE4 NE6"),
    ("Middlesbrough", 13, "TS1 TS5"),
    # Wales, Scotland, Northern Ireland
    ("Cardiff", 34, "CF10 CF11 CF24"),
    ("Newport", 15, "NP19 NP20"),
    ("Glasgow", 48, "G41 G42 G5"),
    ("Edinburgh", 17, "EH6 EH7 EH11"),
    ("Belfast", 5, "BT7 BT9"),
]
VENUE_SPREAD = 0.15
VENUES_PER_ORGANISATION = {1: 60, 2: 30, 3: 10}  # an organisation with in-person services
VENUES_PER_SERVICE = {1: 70, 2: 30}  # of its organisation's venues, for each in-person service
JITTER_KM = 1.5  # a venue lies within this of its district's centre, anywhere in the circle
KM_PER_DEGREE_OF_LATITUDE = 111.32
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward code may end with
# The town on a venue's address: its postcode area's main post town, or, where that would
# mislead for a weighted district, the district's own.
POST_TOWNS = {
    "AB": "Aberdeen", "AL": "St Albans", "B": "Birmingham", "BA": "Bath", "BB": "Blackburn",
    "BD": "Bradford", "BH": "Bournemouth", "BL": "Bolton", "BN": "Brighton", "BR": "Bromley",
    "BS": "Bristol", "BT": "Belfast", "CA": "Carlisle", "CB": "Cambridge", "CF": "Cardiff",
    "CH": "Chester", "CM": "Chelmsford", "CO": "Colchester", "CR": "Croydon",
    "CT": "Canterbury", "CV": "Coventry", "CW": "Crewe", "DA": "Dartford", "DD": "Dundee",
    "DE": "Derby", "DG": "Dumfries", "DH": "Durham", "DL": "Darlington", "DN": "Doncaster",
    "DT": "Dorchester", "DY": "Dudley", "E": "London", "EC": "London", "EH": "Edinburgh",
    "EN": "Enfield", "EX": "Exeter", "FK": "Falkirk", "FY": "Blackpool", "G": "Glasgow",
    "GL": "Gloucester", "GU": "Guildford", "HA": "Harrow", "HD": "Huddersfield",
    "HG": "Harrogate", "HP": "Hemel Hempstead", "HR": "Hereford", "HS": "Stornoway",
    "HU": "Hull", "HX": "Halifax", "IG": "Ilford", "IP": "Ipswich", "IV": "Inverness",
    "KA": "Kilmarnock", "KT": "Kingston upon Thames", "KW": "Kirkwall", "KY": "Kirkcaldy",
    "L": "Liverpool", "LA": "Lancaster", "LD": "Llandrindod Wells", "LE": "Leicester",
    "LL": "Llandudno", "LN": "Lincoln", "LS": "Leeds", "LU": "Luton", "M": "Manchester",
    "ME": "Rochester", "MK": "Milton Keynes", "ML": "Motherwell", "N": "London",
    "NE": "Newcastle upon Tyne", "NG": "Nottingham", "NN": "Northampton", "NP": "Newport",
    "NR": "Norwich", "NW": "London", "OL": "Oldham", "OX": "Oxford", "PA": "Paisley",
    "PE": "Peterborough", "PH": "Perth", "PL": "Plymouth", "PO": "Portsmouth", "PR": "Preston",
    "RG": "Reading", "RH": "Redhill", "RM": "Romford", "S": "Sheffield", "SA": "Swansea",
    "SE": "London", "SG": "Stevenage", "SK": "Stockport", "SL": "Slough", "SM": "Sutton",
    "SN": "Swindon", "SO": "Southampton", "SP": "Salisbury", "SR": "Sunderland",
    "SS": "Southend-on-Sea", "ST": "Stoke-on-Trent", "SW": "London", "SY": "Shrewsbury",
    "TA": "Taunton", "TD": "Galashiels", "TF": "Telford", "TN": "Tonbridge", "TQ": "Torquay",
    "TR": "Truro", "TS": "Middlesbrough", "TW": "Twickenham", "UB": "Southall", "W": "London",
    "WA": "Warrington", "WC": "London", "WD": "Watford", "WF": "Wakefield", "WN": "Wigan",
    "WR": "Worcester", "WS": "Walsall", "WV": "Wolverhampton", "YO": "York", "ZE": "Lerwick",
}  # fmt: skip
DISTRICT_TOWNS = {
    "B66": "Smethwick", "B70": "West Bromwich", "B71": "West Bromwich", "BB5": "Accrington",
    "BB9": "Nelson", "BB10": "Burnley", "BB11": "Burnley", "BD21": "Keighley",
    "CR4": "Mitcham", "CR7": "Thornton Heath", "HA0": "Wembley", "HA9": "Wembley",
    "HP11": "High Wycombe", "HP13": "High Wycombe", "IG11": "Barking", "OL11": "Rochdale",
    "OL12": "Rochdale", "OL16": "Rochdale", "RM8": "Dagenham", "RM9": "Dagenham",
    "RM10": "Dagenham", "TW3": "Hounslow", "TW4": "Hounslow", "TW5": "Hounslow",
    "UB3": "Hayes", "UB4": "Hayes", "UB6": "Greenford", "UB8": "Uxbridge", "WF12": "Dewsbury",
    "WF13": "Dewsbury", "WF17": "Batley",
}  # fmt: skip
STREETS = [
    "Example Street", "Example Road", "Sample Lane", "Specimen Avenue", "Illustration Way",
    "Placeholder Terrace", "Fictional Close", "Invented Parade",
]  # fmt: skip
VENUE_NAMES = [
    "", "", "", "Example Community Centre", "Sample Mosque Community Hall", "Example Family Hub",
    "Specimen Wellbeing Centre", "Example Library, meeting room", "Sample Women's Centre",
]  # fmt: skip
ACCESSIBILITY = [
    "", "", "Step-free access from the street.", "Separate women's entrance; prayer space.",
    "Ground-floor rooms; accessible toilet.", "Stairs only, no lift.",
    "Step-free access and parking for blue badge holders.",
]  # fmt: skip


class Picker:
    """Draws from weighted values: one, or several different ones."""

    def __init__(self, weighted):
        self.values = [value for value, _ in weighted]
        self.cumulative = list(itertools.accumulate(weight for _, weight in weighted))

    def one(self, rng):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def several(self, rng, count):
        count = min(count, len(self.values))
        chosen = []
        while len(chosen) < count:
            value = self.one(rng)
            if value not in chosen:
                chosen.append(value)
        return chosen


def picker(lookups, weights):
    """A Picker of lookup pks from (slug, pk, ...) rows, weighted by slug."""
    return Picker([(pk, weights.get(slug, DEFAULT_WEIGHT)) for slug, pk, *_ in lookups])


class Command(BaseCommand):
    help = (
        "Add N clearly synthetic, published organisations with services, for benchmarks. Refuses "
        "when the database holds organisations that are not synthetic, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, required=True, metavar="N")
        parser.add_argument(
            "--services-per-organisation",
            type=int,
            default=4,
            metavar="M",
            help="Services per organisation on average; each has 1 to 2M-1 (default 4).",
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same data.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add synthetic data even though real (non-synthetic) organisations are there.",
        )

    def handle(self, *args, organisations, services_per_organisation, seed, force, **options):
        if organisations < 1 or services_per_organisation < 1:
            raise CommandError("--organisations and --services-per-organisation must be 1 or more.")
        real = Organisation.objects.exclude(slug__startswith=PREFIX)
        if not force and real.exists():
            raise CommandError(
                f"This database holds {real.count()} organisations that are not synthetic "
                f"(for example “{real.order_by('slug').first().slug}”). Nothing was written. "
                "Use a database of its own for benchmarks, or pass --force to add synthetic "
                "organisations alongside them."
            )
        if not connection.features.can_return_rows_from_bulk_insert:
            raise CommandError("This needs PostgreSQL or SQLite 3.35 or later (bulk inserts).")
        verbosity = options["verbosity"]
        started = time.perf_counter()
        if any(not model.objects.exists() for model in lookup_models()):
            call_command(
                "seed_directory", "--lookups-only", verbosity=verbosity, stdout=self.stdout
            )

        first = next_synthetic_number()
        rng = random.Random(f"{seed}-{first}")  # a second run continues with new data
        places = Places(random.Random(f"{seed}-{first}-venues"))
        generator = Generator(rng, timezone.localdate(), services_per_organisation, places)
        totals = {"services": 0, "links": 0, "venues": 0}
        for start in range(first, first + organisations, CHUNK):
            numbers = range(start, min(start + CHUNK, first + organisations))
            with transaction.atomic():
                written = self.write_chunk(generator, numbers)
            reset_queries()  # with DEBUG on, Django would keep every (megabyte-long) INSERT
            for key, count in written.items():
                totals[key] += count
            if verbosity >= 2 or (verbosity >= 1 and organisations > CHUNK):
                done = numbers.stop - first
                self.stdout.write(
                    f"  {done:,}/{organisations:,} organisations, {totals['services']:,} services "
                    f"({time.perf_counter() - started:.1f} s)"
                )

        analysing = time.perf_counter()
        refresh_statistics()  # statistics and the visibility map for what was just written
        if verbosity >= 1:
            self.stdout.write(f"  VACUUM ANALYZE in {time.perf_counter() - analysing:.1f} s")
        directory_changed()  # bulk inserts send no signals, so cached pages learn of it here
        if verbosity < 1:
            return
        last = first + organisations - 1
        self.stdout.write(
            f"Added {organisations:,} synthetic organisations (numbers {first:06d} to {last:06d}), "
            f"{totals['services']:,} services, {totals['links']:,} facet links and "
            f"{totals['venues']:,} venues in {time.perf_counter() - started:.1f} s."
        )

    def write_chunk(self, generator, numbers):
        """Insert the organisations numbered ``numbers`` with their services, facets and venues;
        returns how many services, facet links and venues it wrote."""
        defer_listing()
        made = [generator.organisation(number) for number in numbers]
        organisations = [organisation for organisation, _ in made]
        Organisation.objects.bulk_create(organisations, batch_size=BATCH)  # sets their pks

        services, facets, venues, venue_links = [], [], [], []
        for organisation, topics in made:
            made_services = list(generator.services(organisation, topics))
            organisation_venues, service_venues = generator.venues(organisation, made_services)
            venues += organisation_venues
            for service, service_facets in made_services:
                services.append(service)
                facets.append(service_facets)
            venue_links += service_venues
        Service.objects.bulk_create(services, batch_size=BATCH)
        Venue.objects.bulk_create(venues, batch_size=BATCH)

        links = 0
        for facet in LOOKUP_FACETS:
            rows = [
                (s.pk, pk) for s, f in zip(services, facets, strict=True) for pk in f[facet.param]
            ]
            insert_links(facet, rows)
            links += len(rows)
        field = Service._meta.get_field("venues")
        copy_rows(
            field.remote_field.through,
            (field.m2m_column_name(), field.m2m_reverse_name()),
            [(service.pk, venue.pk) for service, venue in venue_links],
        )
        refresh_listing([service.pk for service in services])
        return {"services": len(services), "links": links, "venues": len(venues)}


class Generator:
    """Makes unsaved organisations and services, and their facets, from one random source."""

    def __init__(self, rng, today, services_per_organisation, places):
        self.rng = rng
        self.places = places
        self.today = today
        self.extra_services = 2 * (services_per_organisation - 1)  # coin flips, so M on average
        self.topics = Picker([((said, named), weight) for said, named, weight in TOPICS])

        types = values("type", "name")
        audiences = values("audience", "name")
        self.types = picker(types, TYPE_WEIGHTS)
        self.type_slugs = {pk: (slug, name) for slug, pk, name in types}
        self.audiences = picker(audiences, AUDIENCE_WEIGHTS)
        self.people = {pk: AUDIENCE_PEOPLE.get(slug, name.lower()) for slug, pk, name in audiences}
        modes = values("mode")
        self.modes = picker(modes, MODE_WEIGHTS)
        self.in_person = dict(modes).get(IN_PERSON)
        self.language_shares = [
            (pk, LANGUAGE_SHARES.get(code, RARE_LANGUAGE_SHARE)) for code, pk in values("language")
        ]
        genders = dict(values("gender"))
        self.gender_sets = Picker(
            [(tuple(genders[s] for s in slugs if s in genders), w) for slugs, w in GENDER_SETS]
        )
        # Any facet not drawn in its own way below: one value, or none, from a weighted pick.
        self.others = {
            facet.param: picker(values(facet.param), {})
            for facet in LOOKUP_FACETS
            if facet.param not in DRAWN
        }
        areas = values("area", "is_national")
        self.uk_wide = [pk for _, pk, is_national in areas if is_national][:1]
        self.area_of_region = {slug: pk for slug, pk, _ in areas}
        regions = [(slug, pk) for slug, pk, is_national in areas if not is_national]
        others = (1 - LONDON_SHARE) / max(1, len(regions) - 1)
        self.regions = Picker(
            [(pk, LONDON_SHARE if slug == "london" else others) for slug, pk in regions]
        )
        self.costs = Picker(COST_WEIGHTS.items())
        self.faiths = Picker(FAITH_WEIGHTS.items())
        self.referrals = Picker(REFERRAL_WEIGHTS.items())

    def organisation(self, number):
        """An unsaved organisation, and the topics its services will speak of."""
        rng = self.rng
        topics = self.topics.several(rng, rng.choice((1, 1, 2)))
        kind = rng.choice(KINDS)
        shape = rng.random()
        if shape < 0.45:
            words = f"{rng.choice(EVOCATIVE)} {kind}"
        elif shape < 0.75:
            words = f"{topics[0][1]} {kind}"
        elif shape < 0.90:
            words = f"{rng.choice(PLACES)} Muslim {kind}"
        else:
            words = f"{rng.choice(EVOCATIVE)} {topics[0][1]} {kind}"
        name = f"Synthetic {words} {number:06d}"
        slug = slugify(name)

        troubles = " and ".join(said for said, _ in topics)
        summary = (
            f"{rng.choice(SUMMARY_OPENINGS)} {rng.choice(SUMMARY_OFFERS)} for "
            f"{rng.choice(PEOPLE)} facing {troubles}."
        )
        if rng.random() < 0.5:
            summary += " " + rng.choice(SECOND_SENTENCES)
        sentences = rng.sample(DESCRIPTION_SENTENCES, rng.randint(1, 3))
        description = " ".join(
            sentence.format(topic=rng.choice(topics)[0]) for sentence in sentences
        )
        organisation = Organisation(
            name=name,
            slug=slug,
            summary=summary,
            description=f"{description} {DISCLAIMER}",
            website=f"https://www.example.org/{slug}/" if rng.random() < 0.6 else "",
            email=f"contact+{number}@example.org" if rng.random() < 0.4 else "",
            is_alliance_member=rng.random() < 0.1,
            status=Organisation.Status.PUBLISHED,
            last_verified=(
                None if rng.random() < 0.4 else self.today - timedelta(days=rng.randrange(730))
            ),
            editor_notes="Synthetic data made by generate_synthetic_data for benchmarks.",
        )
        return organisation, topics

    def services(self, organisation, topics):
        """An organisation's services, each with its facets: {relation: [lookup pk, ...]}."""
        rng = self.rng
        count = 1 + sum(rng.random() < 0.5 for _ in range(self.extra_services))
        slugs = set()
        for _ in range(count):
            facets = self.facets()
            topic, title = rng.choice(topics)
            type_slug, type_name = self.type_slugs[facets["type"][0]]
            name = rng.choice(SERVICE_NAMES.get(type_slug, [type_name])).format(Topic=title)
            description = SERVICE_DESCRIPTIONS.get(type_slug, "Support with {topic}.").format(
                topic=topic, people=self.people[facets["audience"][0]]
            )
            slug = base = slugify(name)
            for suffix in itertools.count(2):
                if slug not in slugs:
                    break
                slug = f"{base}-{suffix}"
            slugs.add(slug)
            cost = self.costs.one(rng)
            service = Service(
                organisation=organisation,
                name=name,
                slug=slug,
                description=description,
                cost=cost,
                cost_note=(
                    rng.choice(COST_NOTES) if cost != Cost.FREE and rng.random() < 0.3 else ""
                ),
                faith_approach=self.faiths.one(rng),
                referral=self.referrals.one(rng),
                hours=rng.choice(HOURS) if rng.random() < 0.5 else "",
                is_active=rng.random() < 0.95,
            )
            yield service, facets

    def venues(self, organisation, services):
        """The organisation's venues when any of ``services`` (service, facets) is delivered in
        person (1 to 3, unsaved; none otherwise), and (service, venue) for each such service's 1
        or 2 of them.

        An in-person service serves where its venues are: its region is theirs (a UK-wide one
        stays UK-wide and adds theirs), so "near me" finds it in its region's group too."""
        in_person = [(s, f) for s, f in services if self.in_person in f["mode"]]
        if not in_person:
            return [], []
        rng = self.places.rng
        made = self.places.venues(organisation)
        links = []
        for service, facets in in_person:
            count = min(len(made), self.places.per_service.one(rng))
            chosen = rng.sample(made, count)
            links += [(service, venue) for venue, _ in chosen]
            regions = [self.area_of_region.get(district.region) for _, district in chosen]
            kept = self.uk_wide if facets["area"] == self.uk_wide else []
            facets["area"] = list(dict.fromkeys([*kept, *filter(None, regions)])) or facets["area"]
        used = {id(venue) for _, venue in links}  # a venue no service is at is not kept
        return [venue for venue, _ in made if id(venue) in used], links

    def facets(self):
        """{facet param: [lookup pk, ...]} for every lookup facet of the registry."""
        rng = self.rng
        drawn = {
            "type": self.types.several(rng, rng.choices((1, 2, 3), (55, 30, 15))[0]),
            "mode": self.modes.several(rng, rng.choices((1, 2, 3), (45, 35, 20))[0]),
            "language": [pk for pk, share in self.language_shares if rng.random() < share],
            "gender": list(self.gender_sets.one(rng)),
            "audience": self.audiences.several(rng, rng.choices((1, 2), (65, 35))[0]),
            "area": (self.uk_wide if rng.random() < UK_WIDE_SHARE else [self.regions.one(rng)]),
        }
        for param, others in self.others.items():
            drawn[param] = others.several(rng, rng.choice((0, 1))) if others.values else []
        return drawn


class Places:
    """Venues in real postcode districts (near/districts.py), weighted by VENUE_PLACES, from
    their own random source."""

    def __init__(self, rng):
        self.rng = rng
        table = {district.outcode: district for district in districts.load()}
        weights = dict.fromkeys(table, VENUE_SPREAD / len(table))
        total = sum(thousands for _, thousands, _ in VENUE_PLACES)
        for place, thousands, outcodes in VENUE_PLACES:
            outcodes = outcodes.split()
            for outcode in outcodes:
                if outcode not in table:
                    raise CommandError(f"VENUE_PLACES: {place}'s {outcode} is not a district")
                weights[outcode] += (1 - VENUE_SPREAD) * thousands / total / len(outcodes)
        self.districts = Picker([(table[outcode], weight) for outcode, weight in weights.items()])
        self.per_organisation = Picker(VENUES_PER_ORGANISATION.items())
        self.per_service = Picker(VENUES_PER_SERVICE.items())

    def venues(self, organisation):
        """1 to 3 unsaved venues of ``organisation``, each with its district."""
        count = self.per_organisation.one(self.rng)
        return [self.venue(organisation, self.districts.one(self.rng)) for _ in range(count)]

    def venue(self, organisation, district):
        rng = self.rng
        # Uniform over the circle of JITTER_KM around the district's centre.
        km = JITTER_KM * math.sqrt(rng.random())
        bearing = rng.random() * 2 * math.pi
        km_per_degree_of_longitude = KM_PER_DEGREE_OF_LATITUDE * math.cos(
            math.radians(district.latitude)
        )
        north = km * math.cos(bearing) / KM_PER_DEGREE_OF_LATITUDE
        east = km * math.sin(bearing) / km_per_degree_of_longitude
        outcode = district.outcode
        inward = f"{rng.randrange(10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        venue = Venue(
            organisation=organisation,
            name=rng.choice(VENUE_NAMES),
            address_1=f"{rng.randint(1, 240)} {rng.choice(STREETS)}",
            town=DISTRICT_TOWNS.get(outcode) or POST_TOWNS[re.match(r"[A-Z]+", outcode)[0]],
            postcode=f"{outcode} {inward}",
            latitude=round(district.latitude + north, 5),
            longitude=round(district.longitude + east, 5),
            location_is_approximate=False,
            accessibility=rng.choice(ACCESSIBILITY),
        )
        return venue, district


def values(param, *fields):
    """(key, pk, *fields) of every value of the facet ``param`` (facets.py)."""
    model = BY_PARAM[param].model
    return list(model.objects.values_list(model.KEY_FIELD, "pk", *fields))


def defer_listing():
    """PostgreSQL: let the listing table's triggers wait for refresh_listing in this transaction.

    Each service would otherwise be written to the listing eight times (once for its own insert,
    once per facet table, once more for its types' search words).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL directory.defer_listing = 'on'")


def refresh_listing(service_ids):
    """PostgreSQL: write the listing rows (migration 0006) of one chunk's services at once."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL directory.defer_listing = 'off'")
        cursor.execute("SELECT organisations_listing_refresh(%s::bigint[])", [service_ids])


def next_synthetic_number():
    """One more than the highest number at the end of a synthetic slug (1 on a fresh database)."""
    slugs = Organisation.objects.filter(slug__startswith=PREFIX).values_list("slug", flat=True)
    numbers = (re.search(r"(\d+)$", slug) for slug in slugs.iterator(chunk_size=10_000))
    return 1 + max((int(match[1]) for match in numbers if match), default=0)


def insert_links(facet, rows):
    """Insert (service pk, lookup pk) rows into a facet's link table."""
    copy_rows(facet.through, (facet.field.m2m_column_name(), facet.link_column), rows)


def copy_rows(through, columns, rows):
    """Insert (pk, pk) rows into a many-to-many table's two ``columns``: COPY on PostgreSQL."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = (
            f"COPY {quote(through._meta.db_table)} ({quote(columns[0])}, {quote(columns[1])}) "
            "FROM STDIN"
        )
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        through.objects.bulk_create(
            [through(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=BATCH
        )
