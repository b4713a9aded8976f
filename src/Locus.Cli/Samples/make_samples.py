"""Writes the quick-start sample data (tech news NER): a label schema, seed examples, an unlabelled corpus and a
labelled test set. The sentences are generated from hand-written templates and entity lists, deterministically.
Run: python3 make_samples.py (from this folder)."""
import json, random

ORG = ["Nordwind Labs", "Quantix", "Helios Systems", "Bluefin Software", "Corvid Robotics", "Tessellate", "Orbital Dynamics",
       "Lumen Analytics", "Granite Cloud", "Pinecrest Semiconductors", "Vantage Networks", "Aurora Biotech", "Kestrel Motors",
       "Silverline Bank", "Meridian Health"]
PRODUCT = ["Falcon X1", "Nimbus OS", "Atlas Pro", "PixelPad 3", "Stratus Engine", "Echo Buds", "Vortex GPU", "Sable Watch",
           "Horizon VR", "Cobalt Router", "Quill Editor", "Beacon Tracker", "Zephyr Drone", "Orca Database", "Tundra Laptop"]
PERSON = ["Maria Lopez", "Kenji Watanabe", "Amara Okafor", "Lukas Brandt", "Priya Natarajan", "Sofia Rossi", "Daniel Kim",
          "Elena Petrova", "Omar Haddad", "Grace Chen", "Tomasz Nowak", "Fatima Zahra", "Jonas Berg", "Isabel Duarte", "Samuel Adeyemi"]
LOC = ["Berlin", "Nairobi", "Osaka", "Toronto", "Lisbon", "Bangalore", "Austin", "Warsaw", "Melbourne", "Seoul",
       "Cape Town", "Helsinki", "Bogota", "Dublin", "Singapore"]
POOLS = {"ORG": ORG, "PRODUCT": PRODUCT, "PERSON": PERSON, "LOC": LOC}

TEMPLATES = [
    "{ORG} unveiled the {PRODUCT} at an event in {LOC} on Tuesday.",
    "{PERSON}, chief executive of {ORG}, said the {PRODUCT} will ship in March.",
    "Analysts in {LOC} expect {ORG} to cut the price of the {PRODUCT}.",
    "{PERSON} joined {ORG} as head of research after years in {LOC}.",
    "The {PRODUCT} from {ORG} sold out within hours, according to {PERSON}.",
    "{ORG} opened a new office in {LOC} to support the {PRODUCT}.",
    "Reviewers praised the battery life of the {PRODUCT}.",
    "{PERSON} will present the roadmap of {ORG} at a conference in {LOC}.",
    "Shares of {ORG} rose after the launch of the {PRODUCT}.",
    "A team led by {PERSON} built the first prototype of the {PRODUCT} in {LOC}.",
    "{ORG} and {ORG} signed a partnership in {LOC}.",
    "{PERSON} criticised {ORG} for delaying the {PRODUCT} again.",
    "The {PRODUCT} now runs on the latest version of the {PRODUCT}.",
    "Regulators in {LOC} opened an inquiry into {ORG}.",
    "{PERSON} left {ORG} to start a company in {LOC}.",
    "Customers in {LOC} reported problems with the {PRODUCT}.",
]
FILLER = [
    "The market for consumer devices grew slowly this quarter.",
    "Prices of memory chips fell for the third month in a row.",
    "Several start-ups announced new funding rounds this week.",
    "The conference attracted more than ten thousand visitors.",
    "Supply problems continue to affect the whole industry.",
    "Many companies are hiring engineers again after a quiet year.",
]

def fill(template, rng):
    text, spans = "", []
    i = 0
    while i < len(template):
        if template[i] == "{":
            j = template.index("}", i)
            label = template[i + 1:j]
            mention = rng.choice(POOLS[label])
            spans.append({"start": len(text), "end": len(text) + len(mention), "label": label})
            text += mention
            i = j + 1
        else:
            text += template[i]
            i += 1
    return {"text": text, "spans": spans}

def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

rng = random.Random(2026)
seeds, counts = [], {k: 0 for k in POOLS}
while min(counts.values()) < 10:
    ex = fill(rng.choice(TEMPLATES), rng)
    if ex["text"] in {s["text"] for s in seeds}:
        continue
    seeds.append(ex)
    for s in ex["spans"]:
        counts[s["label"]] += 1
write_jsonl("seeds.jsonl", seeds)

seen = {s["text"] for s in seeds}
test = []
while len(test) < 80:
    ex = fill(rng.choice(TEMPLATES), rng)
    if ex["text"] not in seen:
        seen.add(ex["text"]); test.append(ex)
write_jsonl("test.jsonl", test)

corpus = []
while len(corpus) < 600:
    text = rng.choice(FILLER) if rng.random() < 0.15 else fill(rng.choice(TEMPLATES), rng)["text"]
    if text not in seen:
        seen.add(text); corpus.append(text)
with open("corpus.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(corpus) + "\n")

schema = {"task": "ner", "labels": [
    {"name": "ORG", "description": "Companies, start-ups, banks and other organisations."},
    {"name": "PRODUCT", "description": "Named products: devices, software, services and models."},
    {"name": "PERSON", "description": "Names of people."},
    {"name": "LOC", "description": "Cities, countries and other places."},
]}
with open("labels.json", "w", encoding="utf-8") as f:
    json.dump(schema, f, indent=2)
    f.write("\n")
print(len(seeds), "seeds", counts, len(test), "test", len(corpus), "corpus")
