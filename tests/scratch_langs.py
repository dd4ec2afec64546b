import pytest
from .factories import OrganisationFactory, ServiceFactory

@pytest.mark.django_db
def test_explore(client, urdu, female):
    o = OrganisationFactory(name="Sakoon", slug="sakoon", phone="020 7946 0000", email="a@example.org", website="https://example.org")
    ServiceFactory(organisation=o, languages=[urdu], practitioner_genders=[female], phone="0800 000 1111")
    for url in ["/ar/organisations/", "/ar/organisations/sakoon/", "/xx/organisations/", "/ar/organisations/no-such/", "/ar/healthz", "/i18n/setlang/", "/ar/signposting/?service=1", "/so/"]:
        r = client.get(url, headers={"Accept-Language": "ar"})
        open("/tmp/langscratch/" + url.strip("/").replace("/", "_").replace("?", "_") + ".html", "wb").write(r.content)
        print(url, r.status_code, r.headers.get("Content-Language"), dict(r.cookies))
