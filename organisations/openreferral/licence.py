"""The licence the directory's data is published under, and the attribution it asks for: read by
the open-data page, the data package's ``datapackage.json`` and the feed's documentation alike.

Creative Commons Attribution 4.0: councils, NHS trusts and other directories may copy, adapt and
republish the data, commercially too, as long as they say where it came from. The UK's Open
Government Licence v3 is designed to be compatible with it; OGL itself is written for the
information of public-sector bodies, which the directory is not.
"""

LICENCE_ID = "CC-BY-4.0"  # its SPDX identifier
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "Contains data from the Muslim Mental Health Directory, licensed under CC BY 4.0."
