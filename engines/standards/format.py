"""The standards file format: YAML in, a validated document (dict) out, and back.

``parse(text)`` checks everything a standard needs and refuses a malformed file with every
problem found, each with its line (``FormatError.errors``: a list of (line, reason)).
``dump(version)`` writes a version's document back as YAML that ``parse`` reads to the same
document. The README's section "Standards file format" describes the keys.
"""
from decimal import Decimal

import yaml
from django.utils.translation import gettext as _

from kernel.core import yamldoc
from kernel.core.yamldoc import BAD, CODE, Checker, read
from kernel.core.yamldoc import FormatError as FormatError  # the format's error, as callers name it

from .models import ItemKind, PeriodKind, SubjectKind

STANDARD_CODE_LENGTH = 64
PART_CODE_LENGTH = 32

TOP_KEYS = ("code", "name", "description", "subject", "period", "applies_to", "raters", "sections", "tiers",
            "consequences")
RATER_KEYS = ("code", "name", "weight", "scored_by")
SECTION_KEYS = ("code", "title", "items")
ITEM_KEYS = ("code", "title", "kind", "max", "half_points", "threshold", "unit", "veto", "source", "guidance")
TIER_KEYS = ("code", "name", "level", "min_total", "no_veto", "all_pass", "requires_tier", "title")
CONSEQUENCE_KEYS = ("commend_top", "yellow_card_last", "lagging_below")
APPLIES_TO_KEYS = {SubjectKind.ORGANIZATION: ("org_types", "domains"), SubjectKind.PERSON: ("posts",)}


def plain_number(value):
    """An int when whole, else a float: what JSON keeps and YAML writes back the same."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Checker(Checker):
    def code(self, node, what: str, max_length: int = PART_CODE_LENGTH, pattern=CODE):
        return super().code(node, what, max_length, pattern)

    def number(self, node, what: str, *, default=None, integer: bool = False, minimum=0):
        if node is None:
            return default
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return self.error(node, _("%(what)s must be a number.") % {"what": what})
        if integer and not float(value).is_integer():
            return self.error(node, _("%(what)s must be a whole number.") % {"what": what})
        if value < minimum:
            return self.error(node, _("%(what)s must be at least %(min)s.") % {"what": what, "min": minimum})
        return plain_number(value)

    # --- the document -------------------------------------------------------------------------------------------

    def document(self, root) -> dict:
        if root is None:
            self.errors.append((1, _("The file is empty.")))
            return {}
        keys = self.mapping(root, TOP_KEYS, ("code", "name", "subject", "period", "raters", "sections", "tiers"),
                            _("The standard"))
        if keys is None:
            return {}
        document = {
            "code": self.code(keys["code"], _("The standard's code"), STANDARD_CODE_LENGTH) if "code" in keys else BAD,
            "name": self.text(keys["name"], _("The standard's name"), max_length=200) if "name" in keys else BAD,
            "description": self.text(keys.get("description"), _("The description"), required=False),
            "subject": (self.choice(keys["subject"], _("The subject"), SubjectKind.values)
                        if "subject" in keys else BAD),
            "period": self.choice(keys["period"], _("The period"), PeriodKind.values) if "period" in keys else BAD,
        }
        document["applies_to"] = self.applies_to(keys.get("applies_to"), document["subject"])
        document["raters"] = self.raters(keys["raters"]) if "raters" in keys else []
        document["sections"] = self.sections(keys["sections"]) if "sections" in keys else []
        max_total = sum((item["max"] for section in document["sections"] for item in section["items"]
                         if item["max"] is not BAD), 0)
        document["tiers"] = self.tiers(keys["tiers"], document["code"], max_total) if "tiers" in keys else []
        document["consequences"] = self.consequences(keys.get("consequences"), document["tiers"])
        return document

    def applies_to(self, node, subject) -> dict:
        if node is None:
            return {}
        value = self.scalar(node, _("applies_to")) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(node, yaml.ScalarNode) and value in (None, ""):
            return {}
        if subject is BAD:
            return {}
        known = APPLIES_TO_KEYS[subject]
        keys = self.mapping(node, known, (), _("applies_to"))
        if keys is None:
            return {}
        result = {}
        for key, value_node in keys.items():
            allowed = self.applies_to_values(key)
            values = []
            for entry in self.sequence(value_node, key, at_least_one=False):
                value = self.choice(entry, key, allowed)
                if value is not BAD:
                    if value in values:
                        self.error(entry, _("“%(value)s” is listed twice.") % {"value": value})
                    values.append(value)
            result[key] = values
        return result

    @staticmethod
    def applies_to_values(key: str) -> list[str]:
        from django.apps import apps

        if key == "posts":
            from kernel.people.choices import PostTitle

            return list(PostTitle.values)
        field = {"org_types": "org_type", "domains": "domain"}[key]
        return [value for value, _label in apps.get_model("orgs", "Organization")._meta.get_field(field).choices]

    def unique(self, node, code, seen: set, what: str):
        if code is not BAD and code in seen:
            self.error(node, _("The %(what)s code “%(code)s” is used twice.") % {"what": what, "code": code})
        seen.add(code)

    def raters(self, node) -> list:
        raters, seen, weights = [], set(), []
        for entry in self.sequence(node, _("raters")):
            keys = self.mapping(entry, RATER_KEYS, ("code", "name"), _("A rater group"))
            if keys is None:
                continue
            code = self.code(keys["code"], _("A rater group's code")) if "code" in keys else BAD
            self.unique(keys.get("code", entry), code, seen, _("rater group"))
            weight = self.number(keys.get("weight"), _("A rater group's weight"), default=1)
            weights.append(weight)
            rater = {"code": code, "name": self.text(keys["name"], _("A rater group's name"), max_length=100)
                     if "name" in keys else BAD, "weight": weight}
            if "scored_by" in keys:
                rater["scored_by"] = self.roles(keys["scored_by"])
            raters.append(rater)
        if raters and not any(isinstance(w, (int, float)) and w > 0 for w in weights) and BAD not in weights:
            self.error(node, _("At least one rater group needs a weight above 0."))
        return raters

    def roles(self, node) -> list:
        """The role codes whose holders may enter a rater group's scores (besides those who may change the subject)."""
        from kernel.accounts.roles import Role

        roles = []
        for entry in self.sequence(node, _("scored_by"), at_least_one=False):
            role = self.code(entry, _("A role"))
            if role is not BAD and role not in Role.values:
                role = self.error(entry, _("Unknown role “%(role)s”; known roles: %(known)s.")
                                  % {"role": role, "known": ", ".join(Role.values)})
            roles.append(role)
        return roles

    def sections(self, node) -> list:
        sections, section_codes, item_codes = [], set(), set()
        for entry in self.sequence(node, _("sections")):
            keys = self.mapping(entry, SECTION_KEYS, ("code", "title", "items"), _("A section"))
            if keys is None:
                continue
            code = self.code(keys["code"], _("A section's code")) if "code" in keys else BAD
            self.unique(keys.get("code", entry), code, section_codes, _("section"))
            items = []
            for item_node in (self.sequence(keys["items"], _("A section's items")) if "items" in keys else []):
                item = self.item(item_node, item_codes)
                if item is not None:
                    items.append(item)
            sections.append({"code": code, "title": self.text(keys["title"], _("A section's title"), max_length=200)
                             if "title" in keys else BAD, "items": items})
        return sections

    def item(self, node, seen: set) -> dict | None:
        keys = self.mapping(node, ITEM_KEYS, ("code", "title", "kind"), _("An item"))
        if keys is None:
            return None
        code = self.code(keys["code"], _("An item's code")) if "code" in keys else BAD
        self.unique(keys.get("code", node), code, seen, _("item"))
        kind = self.choice(keys["kind"], _("An item's kind"), ItemKind.values) if "kind" in keys else BAD
        item = {
            "code": code,
            "title": self.text(keys["title"], _("An item's title"), max_length=300) if "title" in keys else BAD,
            "kind": kind,
            "max": self.number(keys.get("max"), _("An item's max"), default=0),
            "half_points": self.boolean(keys.get("half_points"), "half_points", False),
            "threshold": self.number(keys.get("threshold"), _("An item's threshold"), integer=True, minimum=1),
            "unit": self.text(keys.get("unit"), _("An item's unit"), max_length=32, required=False),
            "veto": self.boolean(keys.get("veto"), "veto", False),
            "source": self.text(keys.get("source"), _("An item's source"), max_length=64, required=False),
            "guidance": self.text(keys.get("guidance"), _("An item's guidance"), required=False),
        }
        if kind is not BAD:
            self.item_kind(node, keys, item)
        return item

    def item_kind(self, node, keys, item):
        """max, threshold, half points and unit as the item's kind allows."""
        kind = item["kind"]
        if kind in (ItemKind.POINTS, ItemKind.COUNT) and "max" not in keys:
            self.error(node, _("A %(kind)s item needs “max”.") % {"kind": kind})
        if kind == ItemKind.POINTS and item["max"] == 0 and "max" in keys:
            self.error(keys["max"], _("A points item's max must be above 0."))
        if kind == ItemKind.COUNT and "threshold" not in keys:
            self.error(node, _("A count item needs “threshold”."))
        if kind != ItemKind.COUNT and "threshold" in keys:
            self.error(keys["threshold"], _("Only a count item has a threshold."))
        if kind != ItemKind.POINTS and "half_points" in keys and item["half_points"]:
            self.error(keys["half_points"], _("Only a points item can allow half points."))
        if (kind == ItemKind.POINTS and item["half_points"] is True and isinstance(item["max"], (int, float))
                and not float(item["max"] * 2).is_integer()):
            self.error(keys["max"], _("With half points, max must be a multiple of 0.5."))
        if (kind == ItemKind.POINTS and item["half_points"] is False and isinstance(item["max"], float)
                and "max" in keys):
            self.error(keys["max"], _("A points item's max must be a whole number unless half points are allowed."))

    def tiers(self, node, standard_code, max_total) -> list:
        tiers, seen, levels = [], set(), set()
        requirements = []
        for entry in self.sequence(node, _("tiers")):
            keys = self.mapping(entry, TIER_KEYS, ("code", "name", "level"), _("A tier"))
            if keys is None:
                continue
            code = self.code(keys["code"], _("A tier's code")) if "code" in keys else BAD
            self.unique(keys.get("code", entry), code, seen, _("tier"))
            level = self.number(keys["level"], _("A tier's level"), integer=True, minimum=1) if "level" in keys else BAD
            if level is not BAD and level in levels:
                self.error(keys["level"], _("Two tiers have the level %(level)s.") % {"level": level})
            levels.add(level)
            min_total = self.number(keys.get("min_total"), _("A tier's min_total"))
            if isinstance(min_total, (int, float)) and not isinstance(min_total, bool) and min_total > max_total:
                self.error(keys["min_total"], _("min_total %(min)s is above the most points possible (%(max)s).")
                           % {"min": min_total, "max": max_total})
            requires = self.text(keys.get("requires_tier"), "requires_tier", max_length=PART_CODE_LENGTH,
                                 required=False)
            if requires:
                requirements.append((keys["requires_tier"], requires))
            tiers.append({
                "code": code,
                "name": self.text(keys["name"], _("A tier's name"), max_length=100) if "name" in keys else BAD,
                "level": level,
                "min_total": min_total,
                "no_veto": self.boolean(keys.get("no_veto"), "no_veto", True),
                "all_pass": self.boolean(keys.get("all_pass"), "all_pass", False),
                "requires_tier": requires,
                "title": self.text(keys.get("title"), _("A tier's title"), max_length=200, required=False),
            })
        for requires_node, requires in requirements:
            self.requirement(requires_node, requires, seen, standard_code)
        return tiers

    def requirement(self, node, requires: str, tier_codes: set, standard_code):
        other, separator, tier = requires.rpartition(":")
        if separator:
            if not CODE.match(other) or not CODE.match(tier):
                self.error(node, _("requires_tier “%(value)s” must be a tier code or “standard-code:tier-code”.")
                           % {"value": requires})
            elif other == standard_code and tier not in tier_codes:
                self.error(node, _("requires_tier names the tier “%(tier)s”, which this standard does not have.")
                           % {"tier": tier})
        elif requires not in tier_codes:
            self.error(node, _("requires_tier names the tier “%(tier)s”, which this standard does not have.")
                       % {"tier": requires})

    def consequences(self, node, tiers) -> dict:
        if node is None:
            return {}
        keys = self.mapping(node, CONSEQUENCE_KEYS, (), _("consequences"))
        if keys is None:
            return {}
        result = {}
        for key in ("commend_top", "yellow_card_last"):
            if key in keys:
                result[key] = self.number(keys[key], key, integer=True, minimum=1)
        if "lagging_below" in keys:
            tier = self.code(keys["lagging_below"], "lagging_below")
            if tier is not BAD and tier not in {t["code"] for t in tiers}:
                self.error(keys["lagging_below"], _("lagging_below names the tier “%(tier)s”, which this standard "
                                                    "does not have.") % {"tier": tier})
            result["lagging_below"] = tier
        return result


def parse(text) -> dict:
    """The validated document of a standard file; ``FormatError`` lists every problem with its line."""
    return read(text, _Checker())


# --- writing ----------------------------------------------------------------------------------------------------

def normalized(document: dict) -> dict:
    """Any document (from parse or built by hand) with every key present and its default filled in."""
    raters = [{"code": r["code"], "name": r.get("name", r["code"]), "weight": plain_number(r.get("weight", 1)),
               "scored_by": list(r.get("scored_by") or [])}
              for r in document.get("raters", [])]
    sections = [{
        "code": s["code"], "title": s.get("title", ""),
        "items": [{
            "code": i["code"], "title": i.get("title", ""), "kind": i["kind"],
            "max": plain_number(i.get("max", 0)), "half_points": bool(i.get("half_points", False)),
            "threshold": i.get("threshold"), "unit": i.get("unit", "") or "", "veto": bool(i.get("veto", False)),
            "source": i.get("source", "") or "", "guidance": i.get("guidance", "") or "",
        } for i in s.get("items", [])],
    } for s in document.get("sections", [])]
    tiers = [{
        "code": t["code"], "name": t.get("name", t["code"]), "level": t["level"],
        "min_total": None if t.get("min_total") is None else plain_number(t["min_total"]),
        "no_veto": bool(t.get("no_veto", True)), "all_pass": bool(t.get("all_pass", False)),
        "requires_tier": t.get("requires_tier", "") or "", "title": t.get("title", "") or "",
    } for t in document.get("tiers", [])]
    return {
        "code": document["code"], "name": document.get("name", ""), "description": document.get("description", "") or "",
        "subject": document.get("subject", SubjectKind.ORGANIZATION), "period": document.get("period", PeriodKind.YEAR),
        "applies_to": dict(document.get("applies_to") or {}), "raters": raters, "sections": sections, "tiers": tiers,
        "consequences": dict(document.get("consequences") or {}),
    }


ITEM_DEFAULTS = {"half_points": False, "threshold": None, "unit": "", "veto": False, "source": "", "guidance": ""}
TIER_DEFAULTS = {"min_total": None, "no_veto": True, "all_pass": False, "requires_tier": "", "title": ""}


def _without_defaults(entry: dict, defaults: dict) -> dict:
    return {key: value for key, value in entry.items() if key not in defaults or defaults[key] != value}


def dump(version) -> str:
    """A version (or a document) as a readable standard file that ``parse`` reads back to the same document."""
    document = normalized(getattr(version, "document", version))
    out = {key: document[key] for key in ("code", "name", "description", "subject", "period")}
    if not out["description"]:
        del out["description"]
    if document["applies_to"]:
        out["applies_to"] = document["applies_to"]
    out["raters"] = [{key: value for key, value in rater.items()
                      if not (key == "weight" and value == 1) and not (key == "scored_by" and not value)}
                     for rater in document["raters"]]
    out["sections"] = [
        {"code": section["code"], "title": section["title"],
         "items": [_item_out(item) for item in section["items"]]}
        for section in document["sections"]
    ]
    out["tiers"] = [_without_defaults(tier, TIER_DEFAULTS) for tier in document["tiers"]]
    if document["consequences"]:
        out["consequences"] = document["consequences"]
    return yamldoc.dump(out)


def _item_out(item: dict) -> dict:
    out = _without_defaults(item, ITEM_DEFAULTS)
    if item["kind"] == ItemKind.PASS_FAIL and item["max"] == 0:
        del out["max"]
    return out
