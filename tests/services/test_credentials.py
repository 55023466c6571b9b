"""API-2 §5 in the services: a certificate as a signed Open Badges 3.0 credential, its round
trip through verification, tampering, revocation and replacement in the status list, expiry,
key rotation, and the holder identified by a salted hash, never the address."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.models.base import utcnow
from app.services import credentials
from app.services.certificates import changes
from app.services.credentials import badges, keys, proofs, status_list
from tests import factories

BASE = "https://cards.example.test"
ZONE = "America/New_York"


def new_pem() -> str:
    return keys.private_pem(Ed25519PrivateKey.generate())


def issuer_with(signing_pem: str, previous: str = "") -> credentials.Issuer:
    return credentials.Issuer(base_url=BASE, name="Lifeline Training Center", zone=ZONE,
                              holder_salt_secret=b"salt secret",
                              keys=credentials.key_ring(signing_pem, previous))


@pytest.fixture
def issuer() -> credentials.Issuer:
    return issuer_with(new_pem())


def verify(db, document, issuer, now=None):
    return credentials.verify_credential(db.session, document, issuer,
                                         credentials.StatusListCache(), now or utcnow())


def test_the_credential_carries_every_field_of_the_contract(db, issuer):
    course = factories.CourseFactory(guidelines=["AHA", "ILCOR"])
    certificate = factories.CertificateFactory(
        course=course, issued_on=date(2026, 1, 5), expires_on=date(2028, 1, 31),
        holder=factories.learner(email="lena@example.test"))
    document = credentials.credential_for(certificate, issuer, datetime(2026, 2, 1, 9, tzinfo=UTC))
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert document["id"] == f"{BASE}/api/v1/certificates/{certificate.code}/credential"
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"] == {"id": f"{BASE}/api/v1/issuer", "type": ["Profile"],
                                  "name": "Lifeline Training Center"}
    assert document["validFrom"] == "2026-01-05T00:00:00-05:00"
    assert document["validUntil"] == "2028-01-31T23:59:59-05:00"
    assert document["name"] == certificate.course_title
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    [identity] = subject["identifier"]
    assert identity["type"] == "IdentityObject" and identity["identityType"] == "emailAddress"
    assert identity["hashed"] is True
    expected = hashlib.sha256(("lena@example.test" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected
    assert "example.test" not in str(document).lower().replace(BASE, "")
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["name"] == course.title
    assert achievement["achievementType"] == "Certification"
    assert achievement["id"] and achievement["description"] and achievement["criteria"]["narrative"]
    assert [a["targetCode"] for a in achievement["alignment"]] == ["AHA", "ILCOR"]
    assert all(a["type"] == ["Alignment"] and a["targetUrl"].startswith("https://")
               for a in achievement["alignment"])
    assert document["credentialStatus"] == {
        "id": f"{BASE}/api/v1/status/revocation#{certificate.id}",
        "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": str(certificate.id),
        "statusListCredential": f"{BASE}/api/v1/status/revocation"}
    proof = document["proof"]
    assert {k: proof[k] for k in ("type", "cryptosuite", "proofPurpose", "verificationMethod",
                                  "created")} == {
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
        "proofPurpose": "assertionMethod", "verificationMethod": f"{BASE}/api/v1/issuer#key-1",
        "created": "2026-02-01T09:00:00Z"}
    assert proof["proofValue"].startswith("z")


def test_each_certificate_has_its_own_holder_salt(db, issuer):
    holder = factories.learner()
    first, second = (factories.CertificateFactory(holder=holder) for _ in range(2))
    salts = {credentials.credential_for(c, issuer, utcnow())["credentialSubject"]
             ["identifier"][0]["salt"] for c in (first, second, first)}
    assert len(salts) == 2


def test_a_fresh_credential_verifies_with_every_check_passed(db, issuer):
    document = credentials.credential_for(factories.CertificateFactory(), issuer, utcnow())
    result = verify(db, document, issuer)
    assert result.as_json()["verified"] is True and result.status == "valid"
    assert [(c.check, c.passed) for c in result.checks] == [
        ("issuer", True), ("proof", True), ("status", True), ("validity", True)]


@pytest.mark.parametrize("change", [
    lambda d: d.update(name="Advanced Cardiac Life Support"),
    lambda d: d.update(validUntil="2099-12-31T23:59:59-05:00"),
    lambda d: d["credentialSubject"]["identifier"][0].update(identityHash="sha256$00"),
    lambda d: d["credentialStatus"].update(statusListIndex="99999"),
    lambda d: d.pop("proof"),
])
def test_a_changed_field_makes_the_credential_tampered(db, issuer, change):
    document = credentials.credential_for(factories.CertificateFactory(), issuer, utcnow())
    tampered = copy.deepcopy(document)
    change(tampered)
    result = verify(db, tampered, issuer)
    assert result.status == "tampered" and not result.verified
    assert result.checks[-1].check == "proof" and not result.checks[-1].passed


def test_another_issuer_or_an_unpublished_key_is_an_unknown_issuer(db, issuer):
    document = credentials.credential_for(factories.CertificateFactory(), issuer, utcnow())
    stranger = credentials.Issuer(base_url="https://elsewhere.test", name="Elsewhere",
                                  zone=ZONE, holder_salt_secret=b"", keys=issuer.keys)
    assert verify(db, document, stranger).status == "unknown_issuer"
    same_address_other_key = issuer_with(new_pem())
    assert verify(db, document, same_address_other_key).status == "tampered"
    moved = {**document, "issuer": {**document["issuer"], "id": "https://elsewhere.test/i"}}
    assert verify(db, moved, issuer).status == "unknown_issuer"
    unpublished = {**document, "proof": {**document["proof"],
                                         "verificationMethod": f"{BASE}/api/v1/issuer#key-7"}}
    assert verify(db, unpublished, issuer).status == "unknown_issuer"


def _bit(db, issuer, certificate) -> bool:
    published = credentials.revocation_list(db.session, issuer, credentials.StatusListCache())
    return status_list.bit_is_set(published.bits, certificate.id)


def test_a_revoked_certificate_has_its_bit_set_and_verifies_as_revoked(db, issuer):
    certificate, other = factories.CertificateFactory(), factories.CertificateFactory()
    document = credentials.credential_for(certificate, issuer, utcnow())
    assert not _bit(db, issuer, certificate)
    changes.revoke_certificate(db.session, factories.admin(), certificate, "fraud", utcnow())
    assert _bit(db, issuer, certificate) and not _bit(db, issuer, other)
    result = verify(db, document, issuer)
    assert result.status == "revoked" and not result.verified
    assert "bit is set" in result.checks[-2].message
    # Still served after revocation, and its status says so.
    assert verify(db, credentials.credential_for(certificate, issuer, utcnow()),
                  issuer).status == "revoked"


def test_a_replaced_certificate_is_revoked_and_its_replacement_valid(db, issuer):
    certificate = factories.CertificateFactory()
    replacement = changes.reissue_certificate(db.session, factories.admin(), certificate,
                                              "Lena Corrected", utcnow())
    assert _bit(db, issuer, certificate) and not _bit(db, issuer, replacement)
    assert verify(db, credentials.credential_for(certificate, issuer, utcnow()),
                  issuer).status == "revoked"
    assert verify(db, credentials.credential_for(replacement, issuer, utcnow()),
                  issuer).status == "valid"


def test_an_expired_certificate_verifies_as_expired_after_its_last_second(db, issuer):
    certificate = factories.CertificateFactory(issued_on=date(2024, 1, 2),
                                               expires_on=date(2026, 1, 31))
    document = credentials.credential_for(certificate, issuer, utcnow())
    last_second = datetime(2026, 2, 1, 4, 59, 59, tzinfo=UTC)  # 23:59:59 in New York
    assert verify(db, document, issuer, now=last_second).status == "valid"
    late = verify(db, document, issuer, now=last_second + timedelta(seconds=1))
    assert late.status == "expired" and "valid until 2026-01-31T23:59:59-05:00" in \
        late.checks[-1].message


def test_revoked_outranks_expired(db, issuer):
    certificate = factories.CertificateFactory(issued_on=date(2020, 1, 2),
                                               expires_on=date(2022, 1, 31))
    changes.revoke_certificate(db.session, factories.admin(), certificate, "error", utcnow())
    document = credentials.credential_for(certificate, issuer, utcnow())
    assert verify(db, document, issuer).status == "revoked"


def test_after_a_key_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key(db):
    old_pem, new_pem_text = new_pem(), new_pem()
    before = issuer_with(old_pem)
    certificate = factories.CertificateFactory()
    old_document = credentials.credential_for(certificate, before, utcnow())
    old_public = keys.public_pem(keys.private_key_from_pem(old_pem).public_key())
    after = issuer_with(new_pem_text, previous=old_public)
    assert after.keys.key_ids() == ["key-1", "key-2"] and after.keys.signing_key_id == "key-2"
    assert verify(db, old_document, after).status == "valid"
    new_document = credentials.credential_for(certificate, after, utcnow())
    assert new_document["proof"]["verificationMethod"].endswith("#key-2")
    assert verify(db, new_document, after).status == "valid"
    assert verify(db, new_document, before).status == "unknown_issuer"


def test_the_issuer_profile_publishes_every_key_as_a_multikey():
    first = new_pem()
    issuer = issuer_with(new_pem(), previous=first)
    profile = credentials.issuer_profile(issuer)
    assert profile["id"] == f"{BASE}/api/v1/issuer" and profile["type"] == ["Profile"]
    assert [m["id"] for m in profile["verificationMethod"]] == [
        f"{BASE}/api/v1/issuer#key-1", f"{BASE}/api/v1/issuer#key-2"]
    for method, key in zip(profile["verificationMethod"], issuer.keys.public_keys, strict=True):
        assert method["type"] == "Multikey" and method["controller"] == profile["id"]
        assert method["publicKeyMultibase"].startswith("z6Mk")
        assert keys.raw_public_bytes(key) == credentials.encoding.multikey_bytes(
            method["publicKeyMultibase"])
    assert profile["assertionMethod"] == [m["id"] for m in profile["verificationMethod"]]


def test_the_status_list_is_signed_gzip_multibase_and_at_least_131072_bits(db, issuer):
    certificate = factories.CertificateFactory()
    changes.revoke_certificate(db.session, factories.admin(), certificate, "fraud", utcnow())
    published = credentials.revocation_list(db.session, issuer, credentials.StatusListCache())
    document = status_list.json.loads(published.body)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u") and "=" not in subject["encodedList"]
    bits = status_list.decode_list(subject["encodedList"])
    assert len(bits) * 8 == 131_072 and bits == published.bits
    assert bits[certificate.id // 8] == 0x80 >> (certificate.id % 8)  # most significant first
    assert sum(bin(byte).count("1") for byte in bits) == 1
    assert proofs.verify_proof(document, issuer.public_key_for).verified
    assert verify(db, document, issuer).status == "valid"


def test_the_status_list_is_the_same_bytes_in_every_process_and_grows_by_whole_blocks(db, issuer):
    factories.CertificateFactory()
    lists = [credentials.revocation_list(db.session, issuer, credentials.StatusListCache())
             for _ in range(2)]
    assert lists[0].body == lists[1].body and lists[0].etag == lists[1].etag
    assert status_list.ListVersion(0, 0, None, 131_071).entries == 131_072
    assert status_list.ListVersion(0, 0, None, 131_072).entries == 2 * 131_072


def test_linkedin_link_names_the_certification_its_months_and_the_record():
    url = credentials.linkedin_url(name="BLS Provider", organisation="Lifeline & Co",
                                   issued_on=date(2026, 3, 9), expires_on=date(2028, 3, 31),
                                   cert_url=f"{BASE}/verify/K7M2-QZ9T-X4HW-0RND",
                                   cert_id="K7M2-QZ9T-X4HW-0RND")
    assert url == ("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
                   "&name=BLS%20Provider&organizationName=Lifeline%20%26%20Co&issueYear=2026"
                   "&issueMonth=3&expirationYear=2028&expirationMonth=3"
                   "&certUrl=https%3A%2F%2Fcards.example.test%2Fverify%2FK7M2-QZ9T-X4HW-0RND"
                   "&certId=K7M2-QZ9T-X4HW-0RND")


def test_badges_day_bounds_follow_the_zone_offset_in_summer():
    assert badges.day_bounds(date(2026, 7, 1), date(2026, 7, 31), ZONE) == (
        "2026-07-01T00:00:00-04:00", "2026-07-31T23:59:59-04:00")
