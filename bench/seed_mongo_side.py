#!/usr/bin/env python3
"""The MongoDB side at realistic size, for bench/mongo_side.sh (run with var/tools/bench-venv's python).

    seed_mongo_side.py seed MONGO_URL [--scale S] [--reader ID --reader-notices N] [--bulk ID --bulk-notices N]
    seed_mongo_side.py verify MONGO_URL GATEWAY_URL READER_ID READER_TOKEN BULK_TOKEN
    seed_mongo_side.py counts MONGO_URL

seed tops the stores up to (at scale 1) 100,000 notices in notification_db.customer_inbox over 1,000
customers, 20,000 reviews in review_db with their provider_ratings snapshots, and 10,000 provider profiles
(and the 1,000 customers' profiles) in user_db; with --reader/--bulk it gives those real customers their
notices too. It never duplicates: every seeded entity has a fixed identity (user ids and review order ids
from the reserved range >= 1,000,000,000, which no real account or order reaches; deterministic notice
event_ids, which the inbox's unique index holds once), and only what is missing is inserted, in batches.
Documents have exactly the shape the C++ stores write (services/*/src/store/*_store.cpp): int64 ids and
counters, int32 stars, BSON datetimes, ObjectId notice ids, an empty `outbox` and no `outbox_pending` mark
(the events long published), `version` on profiles (reviews and snapshots get one only from later writes,
as the relay's $pull gives it to the stores' own). A provider's rating is what the review service and the user service would have
written: a snapshot `<provider>:<12-digit count>` per count the reviews reach, and rating/total_reviews on
the profile as rating.updated leaves them (a new profile is inserted with them, version 2; one behind its
reviews is updated, version + 1). Prints a JSON summary on stdout, progress on stderr.

verify reads seeded data back through the gateway (a 5xx, or a mismatch, exits 1; a 503 is tried 3 times):
provider profiles via four searches (one of them with its match count checked; a search still 503 is only
counted: it scans the collection and may outlast the store's timeout on a busy machine), a sample of seeded providers'
reviews and ratings against the stored reviews, the reader's whole inbox and unread count, the bulk inbox's
first page (which builds its Redis view) and unread count.

counts prints `<db>.<collection> <documents>` for every collection of notification_db, review_db and user_db.
"""
import datetime
import json
import random
import sys
import time
import urllib.error
import urllib.request
import uuid

from bson import Int64, ObjectId
from pymongo import MongoClient, UpdateOne
from pymongo.errors import BulkWriteError

SYNTHETIC = 1_000_000_000  # reserved ids: real accounts and orders never get this far
CUSTOMER_BASE = SYNTHETIC  # synthetic customers: notice recipients and review authors
PROVIDER_BASE = SYNTHETIC + 100_000_000  # synthetic providers
REVIEW_ORDER_BASE = SYNTHETIC  # a review's _id is its order id
NOTICE_ORDER_BASE = 2 * SYNTHETIC  # orders the notices talk about
SYNTHETIC_PROVIDERS = {"provider_id": {"$gte": Int64(PROVIDER_BASE), "$lt": Int64(PROVIDER_BASE + 100_000_000)}}
SYNTHETIC_PROVIDERS_BY_ID = {"_id": {"$gte": Int64(PROVIDER_BASE), "$lt": Int64(PROVIDER_BASE + 100_000_000)}}

NOTICES = 100_000
RECIPIENTS = 1_000
REVIEWS = 20_000
PROVIDERS = 10_000
REVIEWED_SHARE = 5  # one provider in 5 has reviews (about 10 each at scale 1)
BATCH = 1_000
NAMESPACE = uuid.UUID("6f1b3c52-2f0e-4a43-9b7e-1d5c0a8e9f17")  # of the seeded notices' event ids

LOCATIONS = ["NORTH", "SOUTH", "EAST", "WEST", "MID"]
SKILLS = ["plumbing", "Wiring", "painting", "carpentry", "cleaning", "gardening", "moving", "tutoring",
          "web design", "IT support", "tiling", "roofing", "appliance repair", "locksmith", "photography",
          "catering", "pet care", "interior design", "accounting", "translation"]
AVAILABILITY = [None, None, "weekdays 9-17", "evenings and weekends", "mornings", "on call 24/7"]
REVIEW_TEXTS = [None, "Great work, on time.", "Friendly and tidy.", "Did the job, a bit late.",
                "Would hire again!", "Not happy with the result.", "Fair price, good quality."]


def log(message):
    print(message, file=sys.stderr, flush=True)


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def insert(collection, documents):
    """Inserts in batches; a document already there (duplicate key) is skipped. Returns how many went in."""
    inserted = 0
    for i in range(0, len(documents), BATCH):
        batch = documents[i:i + BATCH]
        try:
            inserted += len(collection.insert_many(batch, ordered=False).inserted_ids)
        except BulkWriteError as error:
            others = [e for e in error.details.get("writeErrors", []) if e.get("code") != 11000]
            if others:
                raise
            inserted += error.details.get("nInserted", 0)
    return inserted


def existing_ids(collection, first, count):
    cursor = collection.find({"_id": {"$gte": Int64(first), "$lt": Int64(first + count)}}, {"_id": 1})
    return {doc["_id"] for doc in cursor}


# ---- user_db ----------------------------------------------------------------------------------------------


def skill_keys(skills):
    keys = []
    for skill in skills:
        key = skill.strip().lower()
        if key not in keys:
            keys.append(key)
    return keys


def provider_document(user_id, at):
    rnd = random.Random(user_id)
    skills = []
    for _ in range(rnd.randint(1, 5)):
        skill = rnd.choices(SKILLS, weights=[1.0 / (i + 1) for i in range(len(SKILLS))])[0]
        if skill not in skills:
            skills.append(skill)
    areas = rnd.sample(LOCATIONS, rnd.choice([1, 1, 2, 2, 3]))
    rate = min(30_000, max(1_500, round(rnd.lognormvariate(3.8, 0.45) * 2) * 50))
    created = at - datetime.timedelta(days=rnd.uniform(1, 700))
    portfolio = ["https://example.com/portfolio/%d/%d" % (user_id, i) for i in range(rnd.randint(0, 3))]
    return {"_id": Int64(user_id), "user_id": Int64(user_id), "skills": skills, "skill_keys": skill_keys(skills),
            "experience_years": Int64(rnd.randint(0, 30)), "hourly_rate_cents": Int64(rate),
            "availability": rnd.choice(AVAILABILITY), "portfolio": portfolio, "service_areas": areas,
            "rating": 5.0, "total_reviews": Int64(0), "created_at": created, "updated_at": created,
            "version": Int64(1), "outbox": []}


def customer_document(user_id, at):
    rnd = random.Random(user_id)
    created = at - datetime.timedelta(days=rnd.uniform(1, 700))
    address = rnd.choice([None, "%d Seed Street" % rnd.randint(1, 999)])
    return {"_id": Int64(user_id), "user_id": Int64(user_id), "location": rnd.choice(LOCATIONS),
            "address": address, "budget_preference_cents": Int64(rnd.randint(0, 500) * 100),
            "created_at": created, "updated_at": created, "version": Int64(1), "outbox": []}


# ---- review_db --------------------------------------------------------------------------------------------


def review_document(j, customers, reviewed, at):
    rnd = random.Random(REVIEW_ORDER_BASE + j)
    provider = PROVIDER_BASE + (j * 7919 + 13) % reviewed
    quality = random.Random(provider).uniform(1.5, 5.0)  # the provider's own level: ratings spread
    stars = min(5, max(1, round(rnd.gauss(quality, 0.8))))
    return {"_id": Int64(REVIEW_ORDER_BASE + j), "order_id": Int64(REVIEW_ORDER_BASE + j),
            "customer_id": Int64(CUSTOMER_BASE + j % customers), "provider_id": Int64(provider),
            "stars": stars, "content": rnd.choice(REVIEW_TEXTS),
            "created_at": at - datetime.timedelta(days=rnd.uniform(0, 365)), "outbox": []}


def average_rating(total, stars_sum):
    """domain::AverageRating: the mean in hundredths rounded half up, on integers."""
    if total <= 0:
        return 5.0
    return ((200 * stars_sum + total) // (2 * total)) / 100.0


def seed_reviews(db, reviews, customers, reviewed, at):
    """Tops the reviews up; returns how many were added and the synthetic providers' tallies."""
    have = existing_ids(db.reviews, REVIEW_ORDER_BASE, reviews)
    missing = [review_document(j, customers, reviewed, at) for j in range(reviews)
               if REVIEW_ORDER_BASE + j not in have]
    added = insert(db.reviews, missing)
    log("review_db.reviews: %d seeded there, %d added" % (len(have), added))
    # What ReviewStore::Tally finds, for every synthetic provider (the bench's own reviews included).
    tally = {}
    for doc in db.reviews.find(SYNTHETIC_PROVIDERS, {"provider_id": 1, "stars": 1}):
        total, stars_sum = tally.get(doc["provider_id"], (0, 0))
        tally[doc["provider_id"]] = (total + 1, stars_sum + doc["stars"])
    return added, tally


def seed_rating_snapshots(db, tally, at):
    """As ReviewStore::RecomputeRating: a snapshot for each provider whose reviews outnumber its newest one
    (its rating.updated long published), older published ones pruned."""
    stored = {}
    for doc in db.provider_ratings.find(SYNTHETIC_PROVIDERS, {"provider_id": 1, "total_reviews": 1}):
        stored[doc["provider_id"]] = max(stored.get(doc["provider_id"], 0), doc["total_reviews"])
    snapshots, outdated = [], []
    for provider, (total, stars_sum) in sorted(tally.items()):
        if stored.get(provider, 0) >= total:
            continue
        if provider in stored:
            outdated.append((provider, total))
        snapshots.append({"_id": "%d:%012d" % (provider, total), "provider_id": Int64(provider),
                          "total_reviews": Int64(total), "stars_sum": Int64(stars_sum),
                          "rating": average_rating(total, stars_sum), "updated_at": at, "outbox": []})
    written = insert(db.provider_ratings, snapshots)
    for provider, total in outdated:
        db.provider_ratings.delete_many({"provider_id": Int64(provider), "total_reviews": {"$lt": Int64(total)},
                                         "outbox.0": {"$exists": False}})
    log("review_db.provider_ratings: %d new snapshots" % written)


def seed_profiles(db, providers, customers, tally, at):
    """Tops the profiles up. A provider's profile carries its rating as rating.updated leaves it
    (ProfileStore::ApplyRating: rating and total_reviews set, version + 1): a new one is inserted so, an
    existing one whose total_reviews is behind the reviews is updated so."""
    added = {}
    have = existing_ids(db.customer_profiles, CUSTOMER_BASE, customers)
    missing = [customer_document(CUSTOMER_BASE + i, at) for i in range(customers) if CUSTOMER_BASE + i not in have]
    added["customer_profiles"] = insert(db.customer_profiles, missing)
    log("user_db.customer_profiles: %d seeded there, %d added" % (len(have), added["customer_profiles"]))

    counted = {doc["_id"]: doc.get("total_reviews", 0)
               for doc in db.provider_profiles.find(SYNTHETIC_PROVIDERS_BY_ID, {"total_reviews": 1})}
    missing, behind = [], []
    for i in range(providers):
        user_id = PROVIDER_BASE + i
        total, stars_sum = tally.get(user_id, (0, 0))
        if user_id not in counted:
            document = provider_document(user_id, at)
            if total:
                document.update(rating=average_rating(total, stars_sum), total_reviews=Int64(total), version=Int64(2))
            missing.append(document)
        elif counted[user_id] < total:
            rating = {"rating": average_rating(total, stars_sum), "total_reviews": Int64(total)}
            behind.append(UpdateOne({"_id": Int64(user_id), "total_reviews": {"$lt": Int64(total)}},
                                    {"$set": rating, "$inc": {"version": Int64(1)}}))
    added["provider_profiles"] = insert(db.provider_profiles, missing)
    for i in range(0, len(behind), 100):
        db.provider_profiles.bulk_write(behind[i:i + 100], ordered=False)
    log("user_db.provider_profiles: %d seeded there, %d added, %d ratings brought up to their reviews"
        % (len([u for u in counted if u < PROVIDER_BASE + providers]), added["provider_profiles"], len(behind)))
    return added


# ---- notification_db --------------------------------------------------------------------------------------

STEPS = [
    ("order.created", "You have successfully published the order: {o}."),
    ("order.approved", "Your order {o} has been approved by admin. It is now available for providers to accept."),
    ("order.accepted", "Your order: {o} has been accepted by provider: {p}."),
    ("order.status_changed", "Order {o} status updated to in_progress."),
    ("order.status_changed", "Order {o} status updated to completed."),
    ("payment.completed", "Payment for order {o} completed successfully."),
]


def notice_document(recipient, k, count, unread, at):
    """The k-th (oldest first) of `count` notices of a customer, the newest `unread` of them unread."""
    rnd = random.Random("%d:%d" % (recipient, k))
    spacing = datetime.timedelta(days=20) / max(count, 1)
    created = at - spacing * (count - k) - datetime.timedelta(seconds=1)
    if k % 50 == 49:
        event_type, order_id = "admin.notice", None
        message = "Scheduled maintenance on Sunday night: the marketplace may be slow for a few minutes."
    else:
        event_type, text = STEPS[k % len(STEPS)]
        order_id = NOTICE_ORDER_BASE + (recipient % 1_000_000) * 10_000 + k // len(STEPS)
        message = text.format(o=order_id, p=PROVIDER_BASE + rnd.randrange(PROVIDERS))
    document = {"_id": ObjectId(), "event_id": str(uuid.uuid5(NAMESPACE, "%d:%d" % (recipient, k))),
                "event_type": event_type, "customer_id": Int64(recipient),
                "order_id": Int64(order_id) if order_id is not None else None, "message": message,
                "created_at": created, "is_read": k < count - unread}
    if document["is_read"]:
        # Read soon after arrival, within the retention (30 days after reading) for weeks to come.
        document["read_at"] = min(created + datetime.timedelta(minutes=rnd.uniform(1, 1440)), at)
    return document


def seed_inbox(inbox, recipient, count, unread, at):
    """Tops one customer's seeded notices up to `count`; returns how many were added."""
    have = inbox.count_documents({"customer_id": Int64(recipient)})
    if have >= count:
        return 0
    known = set()
    if have:
        known = {doc["event_id"] for doc in inbox.find({"customer_id": Int64(recipient)}, {"event_id": 1})}
    missing = []
    for k in range(count):
        if str(uuid.uuid5(NAMESPACE, "%d:%d" % (recipient, k))) not in known:
            missing.append(notice_document(recipient, k, count, unread, at))
    return insert(inbox, missing)


def seed_notices(db, recipients, per_recipient, at):
    inbox = db.customer_inbox
    first, last = Int64(CUSTOMER_BASE), Int64(CUSTOMER_BASE + recipients)
    have = inbox.count_documents({"customer_id": {"$gte": first, "$lt": last}})
    added = 0
    if have < recipients * per_recipient:
        pending = []
        counts = {}
        for doc in inbox.find({"customer_id": {"$gte": first, "$lt": last}}, {"customer_id": 1, "event_id": 1}):
            counts.setdefault(doc["customer_id"], set()).add(doc["event_id"])
        for r in range(recipients):
            recipient = CUSTOMER_BASE + r
            known = counts.get(recipient, set())
            if len(known) >= per_recipient:
                continue
            unread = random.Random(recipient).randint(per_recipient // 10, per_recipient * 3 // 10)
            for k in range(per_recipient):
                if str(uuid.uuid5(NAMESPACE, "%d:%d" % (recipient, k))) not in known:
                    pending.append(notice_document(recipient, k, per_recipient, unread, at))
            if len(pending) >= 10 * BATCH:
                added += insert(inbox, pending)
                log("notification_db.customer_inbox: %d added so far" % added)
                pending = []
        added += insert(inbox, pending)
    log("notification_db.customer_inbox: %d seeded there over %d customers, %d added" % (have, recipients, added))
    return added


# ---- commands ---------------------------------------------------------------------------------------------


def option(args, name, default):
    if name in args:
        return args[args.index(name) + 1]
    return default


def seed(url, args):
    scale = float(option(args, "--scale", "1"))
    providers = max(10, round(PROVIDERS * scale))
    recipients = max(10, round(RECIPIENTS * scale))
    reviews = max(10, round(REVIEWS * scale))
    reviewed = max(1, providers // REVIEWED_SHARE)
    at = now_utc()
    t0 = time.perf_counter()
    client = MongoClient(url, serverSelectionTimeoutMS=5000)
    user_db, review_db, notification_db = client.user_db, client.review_db, client.notification_db
    reviews_added, tally = seed_reviews(review_db, reviews, recipients, reviewed, at)
    seed_rating_snapshots(review_db, tally, at)
    profiles = seed_profiles(user_db, providers, recipients, tally, at)
    top, (top_reviews, _) = max(tally.items(), key=lambda item: (item[1][0], -item[0]))
    notices = seed_notices(notification_db, recipients, NOTICES // RECIPIENTS, at)
    own = 0
    for role in ("reader", "bulk"):
        user = option(args, "--" + role, None)
        if user is None:
            continue
        count = int(option(args, "--%s-notices" % role, "100" if role == "reader" else "10000"))
        unread = count // 5 if role == "reader" else 0
        added = seed_inbox(notification_db.customer_inbox, int(user), count, unread, at)
        own += added
        log("notification_db.customer_inbox: %s %s has %d notices (%d added, %d unread)"
            % (role, user, count, added, unread))
    client.close()
    added_text = "%d provider profiles, %d customer profiles, %d reviews, %d notices (+ %d for the reader and bulk)" % (
        profiles["provider_profiles"], profiles["customer_profiles"], reviews_added, notices, own)
    print(json.dumps({"scale": scale, "providers": providers, "reviewed_providers": reviewed,
                      "provider_base": PROVIDER_BASE, "recipients": recipients, "reviews": reviews,
                      "per_recipient": NOTICES // RECIPIENTS, "top_provider": top,
                      "top_provider_reviews": top_reviews, "added_text": added_text,
                      "seconds": round(time.perf_counter() - t0, 1)}))


def get(url, token=None, unavailable_ok=False):
    """GET through the gateway; a 503 (the store or the backend slower than its timeout) is tried again twice,
    then is None with unavailable_ok."""
    headers = {"Authorization": "Bearer " + token} if token else {}
    for attempt in range(3):
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response), response.headers
        except urllib.error.HTTPError as error:
            body = error.read()[:300]
            if error.code != 503:
                raise SystemExit("verify: GET %s -> %d %s" % (url, error.code, body))
            log("verify: GET %s -> 503 %s" % (url, body))
            if attempt < 2:
                time.sleep(10)
    if unavailable_ok:
        return None, None
    raise SystemExit("verify: GET %s -> 503 three times" % url)


def check(condition, message):
    if not condition:
        raise SystemExit("verify: " + message)


def verify(url, gateway, reader_id, reader_token, bulk_token):
    client = MongoClient(url, serverSelectionTimeoutMS=5000)
    api = gateway + "/api/v1"
    # Provider profiles through the search (ProviderFromDocument reads each one shown): four searches of 200,
    # each narrowed by area (the search scans the collection: seconds each; unfiltered, more).
    stored = client.user_db.provider_profiles.count_documents({})
    seen, unavailable = set(), []
    for query in ("location=NORTH&limit=200", "location=SOUTH&max_hourly_rate=30&limit=200",
                  "skills=plumbing,Tiling&location=NORTH&min_rating=3.5&max_hourly_rate=60&limit=200",
                  "location=WEST&min_rating=2&limit=200&offset=200"):
        body, headers = get("%s/providers/search?%s" % (api, query), unavailable_ok=True)
        if body is None:
            unavailable.append(query)
            continue
        check(all(item["user_id"] > 0 and isinstance(item["skills"], list) for item in body["data"]),
              "search %s: an item without its fields" % query)
        seen.update(item["user_id"] for item in body["data"])
        if "skills" not in query:
            continue
        expected = client.user_db.provider_profiles.count_documents(
            {"skill_keys": {"$in": ["plumbing", "tiling"]}, "service_areas": "NORTH", "rating": {"$gte": 3.5},
             "hourly_rate_cents": {"$lte": Int64(6000)}})
        check(int(headers["X-Total-Count"]) == expected, "search %s: %s matches, user_db holds %d"
              % (query, headers["X-Total-Count"], expected))
    seeded = client.user_db.provider_profiles.count_documents({"_id": {"$gte": Int64(PROVIDER_BASE)}})
    # Reviews and ratings of a sample of seeded providers, against what review_db holds.
    sample = [doc["provider_id"] for doc in client.review_db.provider_ratings.find(
        {"provider_id": {"$gte": Int64(PROVIDER_BASE)}}, {"provider_id": 1}).limit(20)]
    for provider in sample:
        total = client.review_db.reviews.count_documents({"provider_id": Int64(provider)})
        rating, _ = get("%s/reviews/provider/%d/rating" % (api, provider))
        check(rating["data"]["total_reviews"] == total, "provider %d: rating counts %s reviews, review_db %d"
              % (provider, rating["data"]["total_reviews"], total))
        reviews, headers = get("%s/reviews/provider/%d?limit=200" % (api, provider))
        check(len(reviews["data"]) == min(total, 200) and int(headers["X-Total-Count"]) == total,
              "provider %d: %d reviews listed of %s, review_db %d"
              % (provider, len(reviews["data"]), headers["X-Total-Count"], total))
        profile = client.user_db.provider_profiles.find_one({"_id": Int64(provider)}, {"total_reviews": 1})
        check(profile is not None and profile["total_reviews"] == total,
              "provider %d: profile counts %s reviews, review_db %d" % (provider, profile, total))
    # The reader's whole inbox and the bulk inbox's first page.
    inbox = client.notification_db.customer_inbox
    total = inbox.count_documents({"customer_id": Int64(reader_id)})
    unread = inbox.count_documents({"customer_id": Int64(reader_id), "is_read": False})
    items, offset = 0, 0
    while offset < total:
        body, _ = get("%s/customer/inbox?limit=200&offset=%d" % (api, offset), reader_token)
        items += len(body["data"]["items"])
        check(body["data"]["total"] == total and body["data"]["unread"] == unread,
              "reader inbox: total %s unread %s, notification_db %d and %d"
              % (body["data"]["total"], body["data"]["unread"], total, unread))
        offset += 200
    check(items == total, "reader inbox: %d items listed, notification_db holds %d" % (items, total))
    count, _ = get(api + "/customer/inbox/unread-count", reader_token)
    check(count["data"]["unread"] == unread, "reader unread-count %s, notification_db %d"
          % (count["data"]["unread"], unread))
    body, _ = get(api + "/customer/inbox", bulk_token)
    count, _ = get(api + "/customer/inbox/unread-count", bulk_token)
    check(len(body["data"]["items"]) > 0 and count["data"]["unread"] == 0,
          "bulk inbox: %d items on its first page, %s unread" % (len(body["data"]["items"]), count["data"]["unread"]))
    client.close()
    if unavailable:
        log("verify: searches that stayed unavailable (503): " + ", ".join(unavailable))
    not_verified = ""
    if unavailable:
        not_verified = (" (%d more answered 503 three times: the search scans the collection, past the store's "
                        "timeout on a busy machine)" % len(unavailable))
    print("verified through the gateway: %d provider profiles (of %d, %d seeded) via %d searches%s, reviews and "
          "ratings of %d seeded providers, the reader's %d notices (%d unread), the bulk inbox (%d notices, 0 unread)"
          % (len(seen), stored, seeded, 4 - len(unavailable), not_verified, len(sample), total, unread,
             body["data"]["total"]))


def counts(url):
    client = MongoClient(url, serverSelectionTimeoutMS=5000)
    for name in ("notification_db", "review_db", "user_db"):
        db = client[name]
        for collection in sorted(db.list_collection_names()):
            print("%s.%s %d" % (name, collection, db[collection].count_documents({})))
    client.close()


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("seed", "verify", "counts"):
        raise SystemExit(__doc__)
    command, url, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if command == "seed":
        seed(url, args)
    elif command == "verify":
        verify(url, args[0], int(args[1]), args[2], args[3])
    else:
        counts(url)


if __name__ == "__main__":
    main()
