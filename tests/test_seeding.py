"""Seeding (DESIGN.md §5): fixtures hold only sourced facts; re-seeding never overwrites an edit."""

import json
import os
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations import models

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

ORGANISATIONS = {
    "inspirited-minds": "Inspirited Minds",
    "muslim-counsellor-and-psychotherapist-network": (
        "Muslim Counsellor and Psychotherapist Network"
    ),
    "british-islamic-medical-association": "British Islamic Medical Association",
    "muslim-youth-helpline": "Muslim Youth Helpline",
    "approachable-parenting": "Approachable Parenting",
    "muslim-womens-network-uk": "Muslim Women's Network UK",
    "sakoon": "Sakoon",
    "mindworks-uk": "MindWorks UK",
    "the-lantern-initiative": "The Lantern Initiative",
    "muslim-community-helpline": "Muslim Community Helpline",
    "midaye-somali-development-network": "Midaye Somali Development Network",
    "muslimah-sports-association": "Muslimah Sports Association",
}
ALLIANCE_MEMBERS = set(list(ORGANISATIONS)[:8])

LOOKUPS = {
    models.ServiceType: [
        "helpline",
        "counselling",
        "peer-support",
        "workshops",
        "parenting",
        "abuse-support",
        "information",
        "practitioner-network",
        "training",
        "wellbeing-activities",
        "advocacy",
    ],
    models.Language: [
        "en",
        "ar",
        "ur",
        "bn",
        "pa",
        "so",
        "gu",
        "tr",
        "fa",
        "ps",
        "ku",
        "fr",
        "hi",
        "ti",
        "am",
        "ms",
    ],  # fmt: skip
    models.PractitionerGender: ["female", "male"],
    models.DeliveryMode: [
        "phone",
        "email",
        "live-chat",
        "text",
        "letter",
        "video",
        "in-person",
        "app",
    ],  # fmt: skip
    models.Audience: [
        "adults",
        "young-people",
        "children",
        "women",
        "men",
        "parents-families",
        "couples",
        "professionals",
        "faith-leaders",
    ],
    models.Area: [
        "uk-wide",
        "england",
        "scotland",
        "wales",
        "northern-ireland",
        "north-east",
        "north-west",
        "yorkshire-and-the-humber",
        "east-midlands",
        "west-midlands",
        "east-of-england",
        "london",
        "south-east",
        "south-west",
    ],
}

# Values organisation-facts.json marks "verified": false, by the organisation they belong to.
# They may appear only in editor_notes. test_unverified_values_match_the_facts_file keeps this
# list in step with the facts file wherever that file is available.
UNVERIFIED = {
    "muslim-youth-helpline": [
        "0808 808 2008",
        "Open six hours a day, every day (c.2019 interview)",
        "1108354",
    ],
    "muslim-womens-network-uk": ["0800 999 5786", "Mon–Fri 10am–4pm"],
    "muslim-community-helpline": ["020 8908 6715", "Mon–Fri 10am–1pm"],
}
CONTACT_FACTS = ("phone", "email", "opening_hours", "charity_number", "website")
FACTS_IDS = {
    "muslim-youth-helpline": "muslim-youth-helpline",
    "mwn-helpline": "muslim-womens-network-uk",
    "inspirited-minds": "inspirited-minds",
    "mcapn": "muslim-counsellor-and-psychotherapist-network",
    "bima": "british-islamic-medical-association",
    "approachable-parenting": "approachable-parenting",
    "sakoon": "sakoon",
    "mindworks-uk": "mindworks-uk",
    "lantern-initiative": "the-lantern-initiative",
    "muslim-community-helpline": "muslim-community-helpline",
    "midaye": "midaye-somali-development-network",
    "muslimah-sports-association": "muslimah-sports-association",
}

PUBLIC_ORGANISATION_FIELDS = (
    "name", "summary", "description", "website", "email", "phone", "charity_number",
)  # fmt: skip
PUBLIC_SERVICE_FIELDS = (
    "name", "description", "cost_note", "hours", "phone", "email", "url",
)  # fmt: skip
CHOICES = {
    "organisations.organisation": {"status": models.Status.values},
    "organisations.service": {
        "cost": models.Cost.values,
        "faith_approach": models.FaithApproach.values,
        "referral": models.Referral.values,
    },
}
M2M_LOOKUPS = {
    "service_types": "organisations.servicetype",
    "delivery_modes": "organisations.deliverymode",
    "languages": "organisations.language",
    "practitioner_genders": "organisations.practitionergender",
    "audiences": "organisations.audience",
    "areas": "organisations.area",
}


def read_fixture(name, folder=FIXTURES):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def of_model(objects, label):
    return [obj for obj in objects if obj["model"] == label]


def facts_file():
    candidates = [
        os.environ.get("ORGANISATION_FACTS", ""),
        Path(settings.BASE_DIR) / "data" / "organisation-facts.json",
        Path(settings.BASE_DIR).parent / "shared" / "data" / "organisation-facts.json",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return json.loads(Path(candidate).read_text(encoding="utf-8"))
    pytest.skip("organisation-facts.json is not available here (set ORGANISATION_FACTS)")


def digits(text):
    return re.sub(r"\D", "", text)


def appears_in(value, text):
    """Whether ``value`` is in ``text``, also when a number is written with other spacing."""
    return value in text or (len(digits(value)) >= 6 and digits(value) in digits(text))


def stored_models():
    """The models whose rows Django writes (not the listing tables, which PostgreSQL keeps)."""
    return [m for m in apps.get_app_config("organisations").get_models() if m._meta.managed]


def dump():
    """Every row of the app, for comparing the database before and after a run."""
    return {
        model._meta.label: serializers.serialize("json", model.objects.order_by("pk"))
        for model in stored_models()
    }


def slugs(manager):
    return {obj.key for obj in manager.all()}


@pytest.fixture
def seed(db):
    def run(*args):
        out = StringIO()
        call_command("seed_directory", *args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def seeded(seed):
    return seed()


# --- The fixtures themselves --------------------------------------------------------------------


def test_fixtures_use_natural_keys_not_primary_keys():
    for name in ("lookups.json", "organisations.json"):
        assert all("pk" not in obj for obj in read_fixture(name)), name


def test_lookups_fixture_holds_exactly_the_listed_values():
    objects = read_fixture("lookups.json")
    for model, expected in LOOKUPS.items():
        key = "code" if model is models.Language else "slug"
        found = [obj["fields"][key] for obj in of_model(objects, model._meta.label_lower)]
        assert sorted(found) == sorted(expected), model


def test_the_fixture_lists_the_twelve_organisations_published_and_not_yet_verified():
    organisations = of_model(read_fixture("organisations.json"), "organisations.organisation")
    assert {obj["fields"]["slug"]: obj["fields"]["name"] for obj in organisations} == ORGANISATIONS
    assert len(organisations) == len(ORGANISATIONS)
    for obj in organisations:
        fields = obj["fields"]
        assert fields["status"] == "published"
        assert fields["last_verified"] is None
        assert fields["verified_by"] is None
        assert fields["is_alliance_member"] == (fields["slug"] in ALLIANCE_MEMBERS)


def test_every_service_follows_its_organisation_in_the_fixture():
    """The seeder saves an organisation before its services can point at it."""
    seen = set()
    for obj in read_fixture("organisations.json"):
        if obj["model"] == "organisations.organisation":
            seen.add(obj["fields"]["slug"])
        else:
            assert obj["model"] == "organisations.service"
            assert obj["fields"]["organisation"][0] in seen, obj["fields"]["slug"]


def test_every_organisation_has_a_service_and_service_slugs_are_unique_within_it():
    objects = read_fixture("organisations.json")
    keys = [
        (obj["fields"]["organisation"][0], obj["fields"]["slug"])
        for obj in of_model(objects, "organisations.service")
    ]
    assert len(keys) == len(set(keys))
    assert {organisation for organisation, _ in keys} == set(ORGANISATIONS)


def test_every_many_to_many_key_is_in_the_lookups_fixture():
    lookups = read_fixture("lookups.json")
    known = {
        label: {
            obj["fields"].get("slug", obj["fields"].get("code")) for obj in of_model(lookups, label)
        }
        for label in M2M_LOOKUPS.values()
    }
    for service in of_model(read_fixture("organisations.json"), "organisations.service"):
        for field, label in M2M_LOOKUPS.items():
            for key in service["fields"][field]:
                assert len(key) == 1 and key[0] in known[label], (service["fields"]["slug"], key)


def test_every_choice_value_is_valid():
    for obj in read_fixture("organisations.json"):
        for field, valid in CHOICES[obj["model"]].items():
            assert obj["fields"][field] in valid, (obj["fields"]["slug"], field)


# --- Seeding an empty database ------------------------------------------------------------------


def test_seeding_an_empty_database_creates_the_twelve_organisations(seeded):
    organisations = models.Organisation.objects.all()
    assert {o.slug: o.name for o in organisations} == ORGANISATIONS
    assert {o.slug for o in organisations if o.is_alliance_member} == ALLIANCE_MEMBERS
    for organisation in organisations:
        assert organisation.status == models.Organisation.Status.PUBLISHED
        assert organisation.last_verified is None
        assert organisation.verified_by is None
        assert organisation.services.exists(), organisation.slug
    assert models.Service.objects.count() == len(
        of_model(read_fixture("organisations.json"), "organisations.service")
    )


def test_seeding_creates_every_lookup_value(seeded):
    for model, expected in LOOKUPS.items():
        assert slugs(model.objects) == set(expected), model


def test_languages_come_english_first_then_alphabetically_with_their_direction(seeded):
    languages = list(models.Language.objects.all())
    assert languages[0].code == "en"
    names = [language.name for language in languages[1:]]
    assert names == sorted(names)
    assert {lang.code for lang in languages if lang.is_rtl} == {"ar", "ur", "fa", "ps"}
    assert models.Language.objects.get(code="ur").native_name == "اردو"
    assert all(language.native_name for language in languages)


def test_only_uk_wide_is_national_and_it_comes_first(seeded):
    areas = list(models.Area.objects.all())
    assert areas[0].slug == "uk-wide"
    assert [area.slug for area in areas if area.is_national] == ["uk-wide"]
    assert [area.slug for area in areas[1:5]] == [
        "england",
        "scotland",
        "wales",
        "northern-ireland",
    ]


def test_the_output_says_what_was_added_per_model(seed):
    services = len(of_model(read_fixture("organisations.json"), "organisations.service"))
    assert seed().splitlines() == [
        "Service types: 11 added, 0 already there.",
        "Languages: 16 added, 0 already there.",
        "Practitioner genders: 2 added, 0 already there.",
        "Ways to get in touch: 8 added, 0 already there.",
        "Audiences: 9 added, 0 already there.",
        "Areas: 14 added, 0 already there.",
        "Organisations: 12 added, 0 already there (left as they are, with their services).",
        f"Services: {services} added with their organisations, 0 not added because their"
        " organisation was already there.",
    ]


def test_every_seeded_row_passes_model_validation(seeded):
    for model in stored_models():
        for obj in model.objects.all():
            obj.full_clean()


def test_timestamps_are_set_on_seeded_organisations(seeded):
    assert not models.Organisation.objects.filter(created__isnull=True).exists()
    assert not models.Organisation.objects.filter(updated__isnull=True).exists()


# --- Only verified facts are published ----------------------------------------------------------


def test_unverified_contact_details_appear_only_in_editor_notes(seeded):
    organisations = {o.slug: o for o in models.Organisation.objects.all()}
    public_texts = [
        getattr(organisation, field)
        for organisation in organisations.values()
        for field in PUBLIC_ORGANISATION_FIELDS
    ] + [
        getattr(service, field)
        for service in models.Service.objects.all()
        for field in PUBLIC_SERVICE_FIELDS
    ]
    for slug, values in UNVERIFIED.items():
        for value in values:
            assert not any(appears_in(value, text) for text in public_texts), value
            assert value in organisations[slug].editor_notes, value
            assert "To confirm" in organisations[slug].editor_notes


def test_no_phone_email_or_hours_is_published_since_none_is_verified(seeded):
    for organisation in models.Organisation.objects.all():
        assert (organisation.phone, organisation.email, organisation.charity_number) == ("", "", "")
    for service in models.Service.objects.all():
        assert (service.phone, service.email, service.hours) == ("", "", "")


def test_unverified_values_match_the_facts_file():
    facts = facts_file()
    found = {}
    for entry in facts["organisations"]:
        for name, field in entry["fields"].items():
            if name in CONTACT_FACTS and not field["verified"] and field["value"]:
                found.setdefault(FACTS_IDS[entry["id"]], []).append(field["value"])
    assert {slug: sorted(values) for slug, values in found.items()} == {
        slug: sorted(values) for slug, values in UNVERIFIED.items()
    }


def test_websites_are_only_those_the_facts_file_verifies():
    facts = {entry["id"]: entry["fields"] for entry in facts_file()["organisations"]}
    fixture = read_fixture("organisations.json")
    urls = [
        (obj["fields"]["slug"], obj["fields"]["website"])
        for obj in fixture
        if obj["model"] == "organisations.organisation"
    ]
    urls += [
        (obj["fields"]["organisation"][0], obj["fields"]["url"])
        for obj in fixture
        if obj["model"] == "organisations.service"
    ]
    slug_to_id = {slug: facts_id for facts_id, slug in FACTS_IDS.items()}
    for slug, url in urls:
        if url:
            website = facts[slug_to_id[slug]]["website"]
            assert website["verified"] and url.rstrip("/") in website["value"], (slug, url)


def test_every_organisation_in_the_facts_file_is_listed_or_deliberately_left_out():
    """data/README.md: the organisations that are not mental-health services stay out."""
    facts = facts_file()
    unlisted = {entry["id"] for entry in facts["organisations"]} - set(FACTS_IDS)
    assert unlisted == {
        "groundwork-strengthening-families", "al-khoei-foundation", "borderlands",
        "faiths-forum-for-london",
    }  # fmt: skip


# --- What the sources say about particular services ---------------------------------------------


def test_muslim_youth_helpline_is_a_free_uk_wide_helpline_by_phone_email_chat_and_letter(seeded):
    service = models.Service.objects.get(organisation__slug="muslim-youth-helpline")
    assert slugs(service.delivery_modes) == {"phone", "email", "live-chat", "letter"}
    assert slugs(service.practitioner_genders) == {"female", "male"}
    assert slugs(service.areas) == {"uk-wide"}
    assert slugs(service.audiences) == {"young-people"}
    assert "helpline" in slugs(service.service_types)
    assert service.cost == models.Cost.FREE
    assert service.faith_approach == models.FaithApproach.FAITH_SENSITIVE


def test_midaye_hope_project_is_in_arabic_and_somali_in_london_and_says_it_was_a_pilot(seeded):
    service = models.Service.objects.get(organisation__slug="midaye-somali-development-network")
    assert slugs(service.languages) == {"ar", "so"}
    assert slugs(service.areas) == {"london"}
    assert slugs(service.audiences) == {"women", "parents-families"}
    assert slugs(service.delivery_modes) == {"in-person", "video"}
    assert "pilot" in service.description
    assert "January 2022 to December 2023" in service.description


def test_sakoon_offers_paid_islamic_counselling(seeded):
    service = models.Service.objects.get(organisation__slug="sakoon", slug="islamic-counselling")
    assert service.faith_approach == models.FaithApproach.ISLAMIC
    assert service.cost == models.Cost.PAID
    assert slugs(service.audiences) == {"adults", "couples", "parents-families"}


def test_mindworks_records_only_what_its_one_source_says(seeded):
    organisation = models.Organisation.objects.get(slug="mindworks-uk")
    service = organisation.services.get()
    assert organisation.website == ""
    assert slugs(service.audiences) == {"women"}
    for facet in ("delivery_modes", "languages", "practitioner_genders", "areas"):
        assert not getattr(service, facet).exists(), facet
    assert (service.cost, service.faith_approach, service.referral) == ("not-stated",) * 3


# --- Running again ------------------------------------------------------------------------------


def test_a_second_run_on_an_untouched_database_changes_nothing(seeded, seed):
    before = dump()
    output = seed()
    assert dump() == before
    assert all(": 0 added" in line for line in output.splitlines()), output


def test_a_second_run_keeps_every_editor_change(seeded, seed):
    organisation = models.Organisation.objects.get(slug="muslim-youth-helpline")
    organisation.name = "Muslim Youth Helpline (MYH)"
    organisation.phone = "0800 000 0001"
    organisation.summary = "Edited by an editor."
    organisation.save()
    helpline = organisation.services.get(slug="helpline")
    helpline.hours = "Every day, 4pm to 10pm"
    helpline.save()
    helpline.delivery_modes.remove(models.DeliveryMode.objects.get(slug="letter"))
    models.Service.objects.get(
        organisation__slug="sakoon", slug="courses-and-life-coaching"
    ).delete()
    before = dump()

    output = seed()

    assert dump() == before
    organisation.refresh_from_db()
    helpline.refresh_from_db()
    assert organisation.name == "Muslim Youth Helpline (MYH)"
    assert organisation.phone == "0800 000 0001"
    assert organisation.summary == "Edited by an editor."
    assert helpline.hours == "Every day, 4pm to 10pm"
    assert slugs(helpline.delivery_modes) == {"phone", "email", "live-chat"}
    assert not models.Service.objects.filter(slug="courses-and-life-coaching").exists()
    assert all(": 0 added" in line for line in output.splitlines()), output


def test_a_deleted_lookup_value_is_recreated_alone_and_not_put_back_on_services(seeded, seed):
    models.DeliveryMode.objects.get(slug="letter").delete()
    counts = {model: model.objects.count() for model in stored_models()}

    output = seed()

    assert models.DeliveryMode.objects.filter(slug="letter").exists()
    counts[models.DeliveryMode] += 1
    assert counts == {model: model.objects.count() for model in counts}
    assert "Ways to get in touch: 1 added, 7 already there." in output
    helpline = models.Service.objects.get(organisation__slug="muslim-youth-helpline")
    assert slugs(helpline.delivery_modes) == {"phone", "email", "live-chat"}


def test_an_organisation_new_to_the_fixture_is_added_with_its_services(seed, tmp_path):
    shutil.copy(FIXTURES / "lookups.json", tmp_path / "lookups.json")
    everything = read_fixture("organisations.json")
    without_sakoon = [
        obj
        for obj in everything
        if obj["fields"].get("slug") != "sakoon" and obj["fields"].get("organisation") != ["sakoon"]
    ]
    (tmp_path / "organisations.json").write_text(json.dumps(without_sakoon), encoding="utf-8")
    seed("--fixtures-dir", str(tmp_path))
    assert not models.Organisation.objects.filter(slug="sakoon").exists()
    models.Organisation.objects.filter(slug="mindworks-uk").update(summary="Edited.")

    (tmp_path / "organisations.json").write_text(json.dumps(everything), encoding="utf-8")
    output = seed("--fixtures-dir", str(tmp_path))

    sakoon = models.Organisation.objects.get(slug="sakoon")
    assert set(sakoon.services.values_list("slug", flat=True)) == {
        "islamic-counselling",
        "courses-and-life-coaching",
    }
    assert models.Organisation.objects.get(slug="mindworks-uk").summary == "Edited."
    assert "Organisations: 1 added, 11 already there" in output
    assert "Services: 2 added with their organisations" in output


def test_a_fixture_with_an_unknown_lookup_saves_nothing(seed, tmp_path):
    shutil.copy(FIXTURES / "lookups.json", tmp_path / "lookups.json")
    objects = read_fixture("organisations.json")
    next(obj for obj in objects if obj["model"] == "organisations.service")["fields"][
        "languages"
    ] = [["xx"]]
    (tmp_path / "organisations.json").write_text(json.dumps(objects), encoding="utf-8")

    with pytest.raises(CommandError, match="Nothing was saved"):
        seed("--fixtures-dir", str(tmp_path))

    assert not models.Organisation.objects.exists()
    assert not models.Language.objects.exists()


def test_a_missing_fixture_is_a_clear_error(seed, tmp_path):
    with pytest.raises(CommandError, match="Fixture not found"):
        seed("--fixtures-dir", str(tmp_path))
