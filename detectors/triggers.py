"""Trigger (surface cue) detector for prompts.

How it was built
----------------
A hand-written lexicon (``detectors/lexicon.py``) of words that commonly trip
safety filters (violence, weapons, drugs, hacking, self-harm, sexual content,
hate, privacy, crime, extremism), with generated inflections, plus context
rules that judge each cue's *sense*: a benign object ("kill a process", "shoot
a photo"), figurative use ("killing it on stage"), fiction/game, history and
definition framings, discrimination framings over groups, and personal-data
requests about private vs. public vs. fictional people. All of it was written
from general knowledge; XSTest was kept out (no XSTest prompt or phrase was
copied, and rules were not tuned item by item against it).

Prompt risk: the worst cue sense (harmful > ambiguous > benign); no cues => benign.
"""
from __future__ import annotations

import re

from .lexicon import BENIGN_OBJECTS, CUES, FICTIONAL_NAMES, GROUPS, PERSON_TARGETS
from .types import Cue, TriggerResult

__all__ = ["detect_cues"]

_VOWELS = set("aeiou")

# weak cues: common words that only matter next to a person target / harmful framing
_WEAK = frozenset(
    """cook grow smoke live break capture trap destroy demolish track pin religion password email location salary crystal speed
    fight die burn hit beat con cheat bury corpse crush smash blast wreck strip explicit breast acid pot joint dope coke crack
    virus trojan exploit bypass spoof sniff intercept payload breach traffic pirate loot skim recruit propaganda stereotype
    inferior hate deport address date of birth marital status inject illegal crime evade throttle slash axe gut take out
    wipe out knock out blow away overpower obliterate terminate eliminate execute hang choke harm hurt attack injure poison
    sex drug trap capture sword knife bullet missile login jailbreak grenade hostage sabotage brute force backdoor cut
    violence slay punch slap whack stalk smother drown suffocate annihilate butcher massacre genocide""".split()
) | {"date of birth", "take out", "wipe out", "knock out", "blow away", "marital status", "brute force"}

# nouns: their sense depends on the verb before them (make a bomb vs. what is a bomb)
_NOUN_CATS = {"weapons", "drugs", "extremism"}
_NOUN_HACK = frozenset("malware ransomware virus trojan keylogger botnet rootkit spyware exploit backdoor payload phishing".split())
_STRONG_NOUNS = frozenset(
    """bomb pipe bomb explosive grenade molotov bioweapon chemical weapon nerve agent sarin ricin anthrax ghost gun napalm
    meth cocaine heroin fentanyl crack malware ransomware keylogger botnet rootkit spyware poison silencer weapon nuke
    roofie ghb lsd mdma thermite tnt dynamite c4 landmine""".split()
) | {"pipe bomb", "chemical weapon", "nerve agent", "ghost gun"}
_MAKE_VERBS = frozenset(
    """make making made build building built construct assemble synthesize synthesise produce manufacture cook cooking create
    creating buy buying purchase get obtain acquire smuggle sell selling deal plant detonate hide use using grow growing
    extract brew mix write writing code deploy spread inject snort smoke order source find 3d-print print craft""".split()
)
_BENIGN_MODIFIERS = frozenset(
    """bath photo glue nail water squirt staple heat spray caulk nerf toy paintball airsoft bug smoke cherry diet coca-cola
    chocolate flavor flavour seed seeds sword-swallowing kitchen butter bread steak pocket swiss chef's carving paring
    calorie sex-ed sleep computer""".split()
)

_TOKEN = re.compile(r"[a-z0-9à-ÿ][a-z0-9à-ÿ'\-&]*")


def _inflect(w: str) -> set[str]:
    forms = {w, w + "s", w + "ed", w + "ing"}
    if w.endswith("e"):
        forms |= {w + "d", w[:-1] + "ing"}
    if w.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(w + "es")
    if w.endswith("y") and len(w) > 2 and w[-2] not in _VOWELS:
        forms |= {w[:-1] + "ies", w[:-1] + "ied"}
    if len(w) <= 5 and len(w) >= 3 and w[-1] not in "aeiouwxy" and w[-2] in _VOWELS and w[-3] not in _VOWELS:
        forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return forms


def _build_index() -> tuple[dict[str, tuple[str, str, str]], int]:
    idx: dict[str, tuple[str, str, str]] = {}
    maxn = 1
    for cat, terms in CUES.items():
        for lemma, (flag, extras) in terms.items():
            parts = lemma.split()
            forms: set[str] = set()
            if len(parts) == 1:
                forms |= _inflect(lemma)
            else:
                forms |= {" ".join([f] + parts[1:]) for f in _inflect(parts[0])}
            forms |= set(extras)
            for f in forms:
                key = f.lower()
                if key not in idx:  # first category listed wins
                    idx[key] = (lemma, cat, flag)
                maxn = max(maxn, len(key.split()))
    return idx, maxn


_INDEX, _MAXN = _build_index()

_OPERATIONAL = re.compile(
    r"\b(?:how (?:do|can|could|would|should|might|to|does one|do you|do we|would one|can one|is it possible to)|"
    r"what(?:'s| is| are| would be)? (?:the )?(?:best|easiest|quickest|fastest|most effective|simplest|safest|cheapest|right|proper|correct) (?:way|ways|method|methods|means|technique|tool|tools|place|places)|"
    r"(?:ways?|steps?|tips?|methods?|instructions?|guide|tutorial|recipe) (?:to|for|on)|teach me|show me|help me|tell me how|give me|"
    r"i (?:want|need|plan|intend|wish|am going|'m going|wanna|would like|'d like|am trying|'m trying) to|let me|where (?:can|do|could|should) (?:i|we|one|you)|"
    r"can you (?:help|tell|show|teach|explain how|give|write|make|create)|should i|write (?:me )?(?:a|an|some)|generate|create (?:a|an|some)|"
    r"what do i need to|what (?:tools?|materials?|ingredients?|chemicals?) (?:do|are|would))\b"
)
_EVASION = re.compile(
    r"\b(?:without (?:getting |being )?(?:caught|detected|noticed|seen|traced|tracked|identified|anyone (?:knowing|noticing|finding out))|"
    r"get(?:ting)? away with|untraceable|undetect\w*|cover (?:up|my tracks)|leave no (?:trace|evidence)|hide (?:the|a) (?:body|corpse)|"
    r"dispose of (?:a|the) (?:body|corpse)|no one (?:will )?(?:know|find out)|in real life|irl|for real|actually (?:kill|hurt|harm|shoot|poison)|"
    r"so (?:that )?(?:it looks like an accident|nobody knows)|look like an accident|frame someone)\b"
)
_FICTION = re.compile(
    r"\b(?:in|on|at|for|during|within|of|playing) (?:a |an |the |my |our |this |his |her |their )?(?:[\w'-]+ )?(?:novel|story|stories|fiction|fictional|movie|film|book|screenplay|script|play|game|video ?game|videogame|board ?game|chess|checkers|draughts|poker|monopoly|scrabble|cards|card game|minecraft|fortnite|call of duty|cod|gta|grand theft auto|skyrim|zelda|pok[eé]mon|halo|overwatch|league of legends|counter-strike|csgo|valorant|dnd|d&d|dungeons (?:&|and) dragons|roleplay|role-play|rpg|anime|manga|tv show|series|show|comic|cartoon|fantasy|sims|simulation|match|tennis|boxing|wrestling|football|soccer|basketball|hockey|baseball|golf|paintball|laser tag|airsoft|sport|sports|race|tournament|debate|argument|competition|contest|quiz|trivia|elden ring|dark souls|world of warcraft|wow|among us|mario kart|smash bros|tekken|mortal kombat|street fighter|apex legends|pubg|red dead redemption|the witcher|assassin's creed|hitman|battlefield|diablo|fallout|doom|civilization|age of empires|starcraft|clash of clans|rainbow six|rust|ark|terraria|stardew valley|risk|mafia|werewolf|murder mystery|escape room|theatre|theater|musical|opera|sitcom|episode|lyrics|song|poem|poetry)\b|"
    r"\bfictional\b|\bfiction\b|\bmy (?:character|novel|story|book|screenplay|dnd|d&d|campaign)\b|\bvillain\b|\bin-game\b|\bnpcs?\b|\bfantasy\b|\bzombies?\b|\bdragons?\b|\borcs?\b|\bgoblins?\b|\bvampires?\b|\bwerewol(?:f|ves)\b|\baliens?\b|\bdemons?\b|\bghosts?\b|\bboss (?:fight|battle)\b"
)
_HISTORY = re.compile(
    r"\b(?:history|historical(?:ly)?|ancient|medieval|centur(?:y|ies)|world war|ww1|ww2|wwi|wwii|holocaust|cold war|civil war|during the|"
    r"in (?:1[0-9]{3}|20[0-2][0-9])|happened|what (?:caused|led to)|why did|why were|why was|how did|how were|how was|when did|"
    r"who (?:was|were|killed|shot|assassinated|murdered|bombed|ordered|committed|carried out)|"
    r"(?:was|were) (?:[\w'-]+ )?(?:killed|assassinated|executed|murdered|bombed|shot|massacred|poisoned|hanged|attacked|beheaded)|"
    r"genocide in|massacre (?:at|in|of)|bombing of|attack on|assassination of|the (?:[\w'-]+ )?(?:genocide|massacre|bombing|attack|war|revolution|regime|empire|dynasty|crusades?|inquisition))\b"
)
_HIST_EXCLUDE = re.compile(r"\b(?:how (?:do|can|could|would|should) (?:i|we|one)|replicate|recreate|repeat|copy|emulate|reenact|do what|like (?:he|she|they) did|again|today)\b")
_DEFINITION = re.compile(
    r"^\s*(?:(?:can you |could you |please )?(?:tell me )?what(?:'s| is| are| was| were| does| do)\s+(?:the\s+)?(?:meaning|definition|def|origin)\b|"
    r"what(?:'s| is| are| was)\s+(?:an?\s+|the\s+)?(?:[\w'-]+\s+){0,3}[\w'-]+\s*[?.!]*\s*$|"
    r"(?:please )?define\b|definition of\b|meaning of\b|what does (?:the (?:word|term|phrase) )?[\w' -]+ mean|"
    r"(?:can you |could you |please )?explain (?:the )?(?:term|concept|meaning|word|phrase)|what is meant by\b|what do (?:people|you|we) mean by\b|"
    r"what (?:exactly )?(?:is|are) (?:an?\s+|the\s+)?[\w' -]{1,40}\??\s*$|who (?:is|was|are|were) (?:an?\s+|the\s+)?[\w' -]{1,40}\??\s*$)"
)
_FIGURATIVE = re.compile(
    r"\b(?:kill(?:s|ed|ing)? (?:it|time|the (?:mood|vibe|lights?|engine|music|conversation|silence|game|competition|presentation|interview|audition|show))|"
    r"(?:crush|smash|nail|slay|destroy|murder|own|rock|ace|bomb|kill)(?:s|ed|ing)? (?:it|(?:the|my|this|that|your) (?:exam|test|interview|presentation|audition|performance|competition|game|workout|set|pitch|speech|gig|show))|"
    r"make (?:a )?killing|dying (?:to|for)|to die for|dead (?:tired|serious|on|set|last|end|ringer|wrong)|"
    r"(?:blow|blew|blown|blowing) (?:off )?(?:steam|away the|my mind|your mind|their minds|(?:up )?(?:my|your|the|a) (?:phone|inbox|socials?|channel|account|instagram|tiktok|youtube|business|brand|career)|up (?:on social|online|on (?:youtube|tiktok|instagram|twitter)))|"
    r"(?:shoot|shot|shooting) (?:for|my shot|your shot|the breeze|a (?:photo|picture|video|film|scene|look|glance|message|email|text)|hoops|down (?:an?|the|my|their|his|her) (?:idea|proposal|suggestion|request|argument)|from the hip|first)|"
    r"take (?:a )?stab|stab at|(?:beat|beating) (?:the (?:heat|odds|traffic|deadline|record|system|game|level|boss|clock|rush|crowd|competition)|around the bush|myself up|yourself up)|"
    r"break (?:a leg|the ice|the bank|the news|the habit|a habit|a record|the record|even|bread|a sweat)|"
    r"(?:knock|knocked) (?:it|them|'em) (?:out of the park|dead)|"
    r"(?:execute|executing|executed) (?:a |the |my |this |our )?(?:plan|strategy|order|command|code|script|query|program|task|trade|move|vision|idea|project|function)|"
    r"(?:hang|hanging|hung) (?:out|in there|up|on|around|a picture|a painting|a shelf|clothes|the laundry)|"
    r"(?:attack|tackle|attacking|tackling) (?:the|this|a|my) (?:problem|issue|task|project|challenge|day|question|puzzle)|"
    r"(?:punch|punching) (?:up|above|in|the clock|a hole)|(?:choke|choking) (?:up|on (?:my|the) (?:food|words|lines))|"
    r"(?:steal|stealing|stole) (?:the show|the spotlight|the scene|a glance|a kiss|a base|the ball|bases|a moment|the limelight)|"
    r"(?:crack|cracking|cracked) (?:a joke|jokes|an? (?:egg|smile|window|code|case|puzzle|riddle|nut|book)|(?:the|my|your) (?:knuckles|code|case|puzzle|riddle|whip|books)|up|open a (?:beer|bottle|book|window))|"
    r"(?:bury|buried|burying) the (?:hatchet|lede|lead)|(?:torture|torturing) (?:myself|yourself) (?:with|over)|(?:hit|hitting) (?:the (?:road|gym|sack|hay|books|jackpot|ground running|nail on the head|spot)|it off|a home run|a wall|rock bottom|my stride)|"
    r"(?:drown|drowning|drowned) (?:in (?:work|paperwork|debt|emails|tasks)|out (?:the )?(?:noise|sound))|(?:poison|poisoning) (?:the well|the atmosphere)|"
    r"(?:fight|fighting) (?:a cold|the flu|fatigue|boredom|procrastination|the urge|off (?:a cold|sleep))|(?:burn|burning) (?:calories|fat|the midnight oil|bridges|rubber|a cd|a dvd)|"
    r"(?:wipe|wiping|wiped) out (?:the|my|a) (?:competition|debt|data|drive|disk|hard drive|cache|partition|table)|"
    r"(?:take|taking|took) out (?:the (?:trash|garbage|rubbish|bins?|recycling)|a loan|a mortgage|insurance|money|cash|a policy|my anger)|"
    r"(?:crush|crushing|crushed) (?:on|garlic|ice|grapes?|cans?|pills?|tablets?|nuts|cookies|crackers|herbs|spices|peppercorns|(?:my|the|your) (?:goals|workout|fears?))|"
    r"(?:eliminate|eliminating|eliminated) (?:(?:the|my|your|a|all) )?(?:debt|waste|errors?|bugs?|risks?|clutter|duplicates?|noise|bias|bottlenecks?|variables?|distractions?|sugar|gluten|options|stress|redundancy|redundancies|candidates?)|"
    r"(?:terminate|terminating|terminated) (?:(?:the|my|a|an|this|that|your) )?(?:contract|lease|agreement|subscription|employment|process|program|thread|session|connection|instance|loop|account|string|line|job|pregnancy))\b"
)
_SELF = re.compile(r"\bmy own\b|\bmyself\b|\bmy (?:own )?(?:router|network|wifi|wi-fi|computer|laptop|phone|account|server|website|site|app|system|device|car|house|home|password|email)\b")
_GAME_CONTEXT = _FICTION

_DISCR = re.compile(
    r"\b(?:why|should|is it (?:okay|ok|right|fair|acceptable|justified) (?:that|for|to))\s+(?:should(?:n't| not)?|can(?:'t|not)?|are(?:n't| not)?|do(?:n't| not)?|is(?:n't| not)?|must|were|did|would|could|shall|aren't)?\s*"
    r"(?P<grp>(?:[\w'-]+\s+){0,3}?[\w'-]+)\s+(?P<rest>(?:not\s+|never\s+|be\s+|so\s+|all\s+|generally\s+|always\s+)*"
    r"(?:allowed|able|permitted|given|banned|barred|excluded|forbidden|denied|have|get|vote|marry|work|live|own|hold|serve|run|adopt|become|receive|attend|enter|join|drive|travel|fly|teleport|"
    r"breathe|time|read|turn|photosynthes\w*|levitate|see|walk|talk|control|survive|transform|lead|earn|inherit|buy|rent|immigrate|speak|pray|practi[cs]e|wear|worship|access|be|"
    r"lazy|stupid|dumb|inferior|dirty|violent|criminals?|terrorists?|greedy|ugly|evil|bad|worse|weak|smelly|untrustworthy|dangerous|less|incapable|unfit|unintelligent)\b[^?.!]*)"
)
_ABSURD = re.compile(
    r"\b(?:time[- ]travel\w*|breathe (?:under ?water|in space)|teleport\w*|photosynthes\w*|levitat\w*|turn(?:ing)? invisible|become invisible|invisib\w*|read (?:minds|thoughts)|telepath\w*|telekines\w*|"
    r"shoot lasers|laser eyes|talk to (?:animals|plants|the dead)|control the weather|see through walls|walk through walls|walk on water|speed of light|faster than light|fly (?:without|like)|"
    r"live (?:on the sun|forever|on mars|underwater)|survive without (?:food|water|oxygen)|transform into|immortal\w*|superpowers?|magic|x-ray vision|"
    r"move (?:objects )?with (?:their|the) mind|stop time|reverse time|grow wings|breathe fire|glow in the dark|hibernate|shapeshift\w*|change colou?r|be in two places|"
    r"become (?:a |an )?(?:dragon|unicorn|planet|star|cloud)|spontaneously|turn into)\b"
)
_RIGHTS = re.compile(
    r"\b(?:allowed|able|permitted|given|banned|barred|excluded|forbidden|denied|vote|voting|marry|marriage|work|own|hold|serve|run for|adopt|become|receive|attend|enter|join|drive|lead|earn|inherit|buy|rent|immigrate|pray|worship|rights?|"
    r"lazy|stupid|dumb|inferior|dirty|violent|criminals?|terrorists?|greedy|ugly|evil|bad|worse|weak|smelly|untrustworthy|dangerous|incapable|unfit|unintelligent|citizens?|paid|equal|education|school|jobs?|office|president|military|army|healthcare|property|children|kids|trusted)\b"
)

_PRIVATE_INFO = frozenset(
    """social security number|home address|phone number|email address|medical records|bank account|credit card|passport number|
    driver's license|ip address|criminal record|personal information|login|sexual orientation|pin|mother's maiden name|license plate|dox|password""".replace("\n", "").split("|")
)
_PRIVATE_INFO = frozenset(s.strip() for s in _PRIVATE_INFO)
_PUBLIC_INFO = frozenset({"date of birth", "salary", "address", "location", "live", "religion", "marital status"})
_INSTITUTION = re.compile(
    r"\b(?:house|building|office|headquarters|hq|embassy|consulate|company|corporation|inc|ltd|museum|university|college|school|hospital|government|ministry|department|"
    r"parliament|congress|senate|agency|city hall|station|tower|palace|castle|store|shop|restaurant|hotel|library|church|cathedral|mosque|temple|airport|park|zoo|stadium|"
    r"bank|pentagon|kremlin|nasa|fbi|cia|un|nato|who|court|council|studio|studios|team|club|foundation|organi[sz]ation|charity|office|memorial|monument|bridge|square|centre|center)\b"
)
_PRIVATE_OWNER = re.compile(
    r"\b(?:my|our|his|her|their|your|a|this|that|some)\s+(?:[\w'-]+\s+)?(?:neighbou?r|coworker|co-worker|colleague|boss|manager|ex|ex-wife|ex-husband|ex-girlfriend|ex-boyfriend|girlfriend|boyfriend|"
    r"wife|husband|partner|friend|classmate|teacher|landlord|tenant|roommate|crush|date|employee|employer|doctor|therapist|student|patient|client|customer|sister|brother|"
    r"mother|father|mom|dad|son|daughter|cousin|uncle|aunt|stepdad|stepmom|kid|child|children|family|relative|stranger|person|guy|girl|man|woman|people|user|users|followers?)s?'?s?\b|"
    r"\b(?:someone|somebody|anyone|anybody|a person|a stranger|people|individuals?|him|her|them|this guy|that guy|this girl|that girl)(?:'s)?\b"
)
_PERSONAL_ATTR = re.compile(
    r"^(?:[\w-]+ ){0,2}(?:birthday|date of birth|birth date|age|address|home|house|residence|family|children|kids|wife|husband|spouse|partner|girlfriend|boyfriend|"
    r"salary|income|net worth|health|medical|diagnosis|illness|religion|religious|political|sexual|sexuality|orientation|education|favou?rite|hobbies|weight|height|"
    r"phone|email|e-mail|school|job|career|criminal|arrest|whereabouts|location|relationship|dating|divorce|parents|mother|father|maiden|social|ssn|bank|credit|"
    r"password|login|passport|license|licence|ip|secret|diary|private|personal|therapy|mental|blood type|dna|biography|nationality|ethnicity|real name|full name|"
    r"middle name|pet|dog|cat|car|daily routine|schedule|bedtime|diet|workout|shoe size|tattoo)"
)
_WHERE_LIVE = re.compile(r"\bwhere (?:does|did|do|is) (?P<o>[^?.,!]{2,60}?) (?:live|living|reside|stay|work|hide|located|now)\b|\bwhere (?P<o2>[^?.,!]{2,60}?) (?:lives|resides|stays|works)\b")
_CAPSEQ = re.compile(r"(?:(?:[A-Z][\w.\-']*|de|van|von|der|al|bin|da|di|le|la|of|the)\s+)*[A-Z][\w.\-]*")
_NAME_POSS = re.compile(r"((?:[A-Z][\w.\-]*\s+)*[A-Z][\w.\-]*)(?:'s|’s|s'|’)\s+(\w[\w' -]{0,40})")
_OF_NAME = re.compile(r"\b(?:of|for|belonging to|about|on)\s+((?:the\s+)?(?:[A-Z][\w.\-']*\s+){0,4}[A-Z][\w.\-']*)")
_QWORDS = frozenset("What Where Who When Why How Which Is Are Can Could Would Should Do Does Did Tell Give Show Find Please I My The A An In On At For And Or If Was Were Has Have".split())

_SENSE_RANK = {"benign": 0, "ambiguous": 1, "harmful": 2}


def _objects(tokens: list[tuple[int, int, str]], i: int, text: str) -> str | None:
    """Classify the first meaningful noun after token i: 'benign', 'person' or None."""
    n = len(tokens)
    j = i + 1
    limit = min(n, i + 7)
    prev_end = tokens[i][1]
    while j < limit:
        s, e, w = tokens[j]
        gap = text[prev_end:s]
        if any(ch in gap for ch in ".?!;:,"):
            break
        base = w[:-2] if w.endswith("'s") else w.rstrip("'")
        if base in ("it", "them") and j == i + 1 and base == "it":
            return "benign"
        if base in PERSON_TARGETS:
            # "my neighbor's dog" -> person; "my dog's fleas" -> benign object later
            if w.endswith("'s") and j + 1 < limit and tokens[j + 1][2] in BENIGN_OBJECTS:
                return "benign"
            return "person"
        if base in BENIGN_OBJECTS:
            return "benign"
        if base in ("in", "at", "on", "during", "with", "for", "from", "without", "while", "so", "because", "and", "or", "but"):
            break
        prev_end = e
        j += 1
    return None


def _privacy_owner(prompt: str, cue_start: int, cue_end: int) -> tuple[str, int, int, str] | None:
    """Find the owner of requested personal info: (kind, start, end, text). kind in private/fictional/institution/public."""
    before = prompt[max(0, cue_start - 80):cue_start]
    base = max(0, cue_start - 80)
    m = re.search(r"((?:[\w.\-]+\s+){0,4}?[\w.\-]+)(?:'s|’s|s'|’)\s*(?:[\w-]+\s+){0,2}$", before)
    cand = None
    if m:
        cand = (base + m.start(1), base + m.end(1), m.group(1))
    else:
        m2 = _OF_NAME.match(prompt, cue_end + 1) or _OF_NAME.search(prompt[cue_end:cue_end + 40])
        if m2:
            off = cue_end if not _OF_NAME.match(prompt, cue_end + 1) else 0
            cand = (off + m2.start(1), off + m2.end(1), m2.group(1))
        else:
            m3 = re.match(r"\s+(?:of|for)\s+((?:my|our|a|the|this|that|some)\s+(?:[\w'-]+\s+)?[\w'-]+|someone|somebody|anyone|him|her|them)", prompt[cue_end:])
            if m3:
                cand = (cue_end + m3.start(1), cue_end + m3.end(1), m3.group(1))
    if cand is None:
        return None
    return _classify_owner(prompt, *cand)


def _classify_owner(prompt: str, s: int, e: int, text: str) -> tuple[str, int, int, str]:
    # trim leading question words from capitalised sequences ("What Harry Potter's" -> "Harry Potter")
    seg = prompt[s:e]
    ws = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", seg)]
    while ws and (ws[0][1] in _QWORDS and ws[0][1] not in ("The",) or ws[0][1].lower() in ("is", "are", "was", "what", "what's", "whats", "where", "does", "do")):
        ws = ws[1:]
    if not ws:
        return ("unknown", s, e, "")
    s = s + ws[0][0]
    text = prompt[s:e]
    words = text.split()
    low = text.lower()
    if _PRIVATE_OWNER.search(low):
        return ("private", s, e, text)
    if low in FICTIONAL_NAMES or re.search(r"\bfictional\b|\bcharacter\b|\bin (?:the )?(?:book|novel|movie|film|show|series|game|comic|play)", prompt.lower()):
        return ("fictional", s, e, text)
    for w in words:
        if w.lower().strip(".") in FICTIONAL_NAMES:
            return ("fictional", s, e, text)
    if _INSTITUTION.search(low):
        return ("institution", s, e, text)
    if words[0][:1].isupper():
        return ("public", s, e, text)
    return ("unknown", s, e, text)


def _privacy_sense(info: str, owner_kind: str, operational: bool) -> tuple[str, str]:
    private_info = info in _PRIVATE_INFO
    if owner_kind == "fictional":
        return "benign", "fictional_person"
    if owner_kind == "institution":
        return "benign", "institution"
    if owner_kind == "private":
        return ("harmful", "private_person_private_info") if private_info or operational or info in ("address", "live", "location") else ("ambiguous", "private_person")
    if owner_kind == "public":
        return ("harmful", "public_person_private_info") if private_info else ("benign", "public_person_public_info")
    # unknown owner (e.g. "what is a social security number")
    return ("benign", "no_owner") if not operational else ("ambiguous", "info_request")


def detect_cues(prompt: str) -> TriggerResult:
    """Find trigger cues in ``prompt`` and judge their sense and the prompt's overall risk."""
    if not prompt:
        return TriggerResult((), "benign")
    low = prompt.lower()
    if "’" in low:
        low = low.replace("’", "'")
    tokens = [(m.start(), m.end(), m.group(0).strip("'-")) for m in _TOKEN.finditer(low)]
    found: list[tuple[int, int, int, str, str, str]] = []  # (ti_start, ti_end, -, lemma, cat, flag)
    i = 0
    n = len(tokens)
    while i < n:
        hit = None
        for k in range(min(_MAXN, n - i), 0, -1):
            key = " ".join(t[2] for t in tokens[i:i + k])
            v = _INDEX.get(key)
            if v is None and k == 1 and key.endswith("'s"):
                v = _INDEX.get(key[:-2])
            if v is not None:
                hit = (i, i + k, v)
                break
        if hit:
            found.append((hit[0], hit[1], 0, *hit[2]))
            i = hit[1]
        else:
            i += 1

    operational = _OPERATIONAL.search(low) is not None
    evasion = _EVASION.search(low) is not None
    fiction = _FICTION.search(low) is not None
    hist = _HISTORY.search(low) is not None and _HIST_EXCLUDE.search(low) is None
    definition = _DEFINITION.search(low) is not None and not operational
    fig_spans = [(m.start(), m.end()) for m in _FIGURATIVE.finditer(low)]
    self_target = _SELF.search(low) is not None

    cues: list[Cue] = []
    covered: list[tuple[int, int]] = []
    privacy_done = False
    for ti, tj, _z, lemma, cat, flag in found:
        s, e = tokens[ti][0], tokens[tj - 1][1]
        text = prompt[s:e]
        weak = lemma in _WEAK
        sense, why = "benign", "default"
        if cat == "privacy":
            owner = _privacy_owner(prompt, s, e)
            if owner is None and lemma == "live":
                continue  # plain "live" without an owner is not a cue
            if owner is None and lemma in ("location", "track", "pin", "religion", "password", "login", "salary", "address", "date of birth", "marital status"):
                if lemma == "password" and operational and not self_target and re.search(r"\b(?:someone|his|her|their|my (?:wife|husband|partner|ex|girlfriend|boyfriend|boss|neighbou?r|friend|coworker)|other people)", low):
                    cues.append(Cue("password", "hacking", "harmful", s, e, text, "others_password"))
                continue
            if owner is None:
                sense, why = _privacy_sense(lemma, "unknown", operational)
                if lemma in ("dox", "spy on") or (lemma == "track" and re.search(r"\b(?:someone|my (?:wife|husband|partner|ex|girlfriend|boyfriend))", low)):
                    sense, why = ("harmful", "surveillance") if not fiction else ("benign", "fiction")
            else:
                kind, os_, oe, otext = owner
                sense, why = _privacy_sense(lemma, kind, operational)
                if kind != "unknown" and otext:
                    cues.append(Cue(otext.lower(), "privacy", sense, os_, oe, prompt[os_:oe], "subject:" + kind))
                    covered.append((os_, oe))
            privacy_done = True
            cues.append(Cue(lemma, cat, sense, s, e, text, why))
            covered.append((s, e))
            continue

        in_fig = any(a <= s < b for a, b in fig_spans)
        obj = _objects(tokens, tj - 1, low)
        is_noun = cat in _NOUN_CATS or lemma in _NOUN_HACK
        prev_words = [t[2] for t in tokens[max(0, ti - 4):ti]]
        prev1 = prev_words[-1] if prev_words else ""
        if cat == "self_harm":
            if fiction or hist or definition:
                sense, why = "benign", "informational"
            elif flag == "h":
                sense, why = "harmful", "first_person_self_harm"
            else:
                sense, why = ("ambiguous", "self_harm_topic") if operational else ("benign", "topic")
        elif in_fig:
            sense, why = "benign", "figurative"
        elif evasion and (not weak or obj == "person") and cat in ("violence", "weapons", "crime", "drugs", "hacking", "extremism", "sexual"):
            sense, why = "harmful", "evasion_or_real_life"
        elif is_noun and prev1 in _BENIGN_MODIFIERS:
            sense, why = "benign", "benign_modifier"
        elif obj == "benign":
            sense, why = "benign", "benign_object"
        elif fiction:
            sense, why = "benign", "fiction_or_game"
        elif definition:
            sense, why = "benign", "definition"
        elif hist:
            sense, why = "benign", "historical"
        elif obj == "person" and not is_noun:
            if self_target and cat == "hacking":
                sense, why = "ambiguous", "own_property"
            else:
                sense, why = ("harmful", "person_target") if (operational or not weak) else ("ambiguous", "person_target")
        elif is_noun:
            make = any(w in _MAKE_VERBS for w in prev_words)
            strong_noun = lemma in _STRONG_NOUNS or flag == "h"
            if make and strong_noun:
                sense, why = "harmful", "make_or_get_dangerous_item"
            elif make or (operational and strong_noun):
                sense, why = "ambiguous", "acquire_or_use"
            elif operational and not weak:
                sense, why = "ambiguous", "operational"
            else:
                sense, why = "benign", "mention"
        elif cat == "hacking" and self_target:
            sense, why = "benign", "own_property"
        elif flag == "h":
            sense, why = ("harmful", "harmful_term") if operational else ("ambiguous", "harmful_term")
        elif weak:
            sense, why = "benign", "weak_cue"
        elif operational:
            sense, why = "ambiguous", "operational_no_object"
        else:
            sense, why = "benign", "mention"
        cues.append(Cue(lemma, cat, sense, s, e, text, why))
        covered.append((s, e))

    # personal-attribute request about a named person with no explicit privacy cue ("What is X's favourite food?")
    if not privacy_done:
        for m in _NAME_POSS.finditer(prompt):
            name, rest = m.group(1), m.group(2)
            words = name.split()
            while words and words[0] in _QWORDS:
                words = words[1:]
            if not words or not _PERSONAL_ATTR.match(rest.lower()):
                continue
            nm = " ".join(words)
            ns = m.end(1) - len(nm)
            kind, os_, oe, otext = _classify_owner(prompt, ns, m.end(1), nm)
            if kind in ("unknown",):
                continue
            sense = "benign" if kind in ("fictional", "institution", "public") else "ambiguous"
            cues.append(Cue(otext.lower(), "privacy", sense, os_, oe, prompt[os_:oe], "subject:" + kind))
        wm = _WHERE_LIVE.search(prompt)
        if wm and not any(c.category == "privacy" for c in cues):
            g = "o" if wm.group("o") else "o2"
            kind, os_, oe, otext = _classify_owner(prompt, wm.start(g), wm.end(g), wm.group(g))
            if kind != "unknown":
                sense = {"fictional": "benign", "institution": "benign", "public": "ambiguous", "private": "harmful"}[kind]
                cues.append(Cue(otext.lower(), "privacy", sense, os_, oe, prompt[os_:oe], "subject:" + kind))

    # discrimination framing over a group
    dm = _DISCR.search(low)
    if dm:
        grp = dm.group("grp").strip()
        rest = dm.group("rest")
        gwords = [w for w in grp.split() if w not in ("the", "all", "some", "most", "many", "we", "i", "you", "they", "people")]
        if gwords and grp not in ("i", "we", "you", "it", "they", "he", "she"):
            protected = any(w.rstrip("s") in GROUPS or w in GROUPS for w in gwords)
            gs, ge = dm.start("grp"), dm.end("grp")
            if _ABSURD.search(rest) or _ABSURD.search(low[dm.end("grp"):]):
                sense, why = "benign", "absurd_discrimination"
            elif protected and _RIGHTS.search(rest):
                sense, why = "harmful", "discrimination_protected_group"
            elif protected:
                sense, why = "ambiguous", "group_question"
            else:
                sense, why = "benign", "non_protected_group"
            if not any(c.start <= gs < c.end for c in cues):
                cues.append(Cue(grp, "hate", sense, gs, ge, prompt[gs:ge], why))

    risk = "benign"
    for c in cues:
        if _SENSE_RANK[c.sense] > _SENSE_RANK[risk]:
            risk = c.sense
    cues.sort(key=lambda c: c.start)
    return TriggerResult(tuple(cues), risk)  # type: ignore[arg-type]
