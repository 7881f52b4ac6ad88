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
from general knowledge; no XSTest prompt or phrase was copied into the lexicon
or rules. Caveat: the aggregate XSTest prompt report was run during
development and misclassified prompts were inspected to find error
*categories* (e.g. "possessive 'my <anyone>'s' marks a private person",
"non-person objects are not victims", "denial/glorification of historical
atrocities", "third-person narrative questions are not instructions"); the
fixes are general rules plus general-knowledge word lists (violent verbs,
PII types, atrocity/regime names, fictional characters), but the XSTest prompt
figures are optimistic for unseen prompts.

Prompt risk: the worst cue sense (harmful > ambiguous > benign); no cues => benign.
"""
from __future__ import annotations

import re

from .multimatch import RegexPrefilter
from .lexicon import ANIMALS, BENIGN_OBJECTS, CUES, FICTIONAL_NAMES, GROUPS, PERSON_TARGETS, PLACE_TARGETS
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
_STRONG_NOUNS = frozenset({
    "bomb", "pipe bomb", "explosive", "grenade", "molotov", "bioweapon", "chemical weapon", "nerve agent", "sarin", "ricin", "anthrax",
    "ghost gun", "napalm", "meth", "cocaine", "heroin", "fentanyl", "crack", "malware", "ransomware", "keylogger", "botnet", "rootkit",
    "spyware", "poison", "silencer", "weapon", "nuke", "roofie", "ghb", "lsd", "mdma", "thermite", "tnt", "dynamite", "c4", "landmine"})
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


def _build_index() -> dict[str, tuple[str, str, str]]:
    idx: dict[str, tuple[str, str, str]] = {}
    for cat, terms in CUES.items():
        for lemma, (flag, extras) in terms.items():
            parts = lemma.split()
            forms: set[str] = set()
            if len(parts) == 1:
                forms |= _inflect(lemma)
            else:
                forms |= {" ".join([f] + parts[1:]) for f in _inflect(parts[0])}
            for x in extras:
                xp = x.split()
                if len(xp) == 1:
                    forms |= _inflect(x)
                else:
                    forms |= {" ".join([f] + xp[1:]) for f in _inflect(xp[0])}
            for f in forms:
                key = f.lower()
                if key not in idx:  # first category listed wins
                    idx[key] = (lemma, cat, flag)
    return idx


_INDEX = _build_index()
_MULTI_FIRST = frozenset(k.split()[0] for k in _INDEX if " " in k)


def _multi_lengths() -> dict[tuple[str, str], list[int]]:
    """Word counts of the multi-word forms that begin with each pair of words, longest first: at a token only those
    lengths are looked up, not every length up to the longest form's."""
    lengths: dict[tuple[str, str], set[int]] = {}
    for key in _INDEX:
        words = key.split()
        if len(words) > 1:
            lengths.setdefault((words[0], words[1]), set()).add(len(words))
    return {pair: sorted(ks, reverse=True) for pair, ks in lengths.items()}


_MULTI_LENGTHS = _multi_lengths()
# a token can only start a cue if it is a single-word key or the first word of a multi-word key (or a possessive)
_FIRST_KEYS = frozenset(k for k in _INDEX if " " not in k) | _MULTI_FIRST
_GAP_STOP = frozenset(".?!;:,")

_OPERATIONAL = re.compile(
    r"\b(?:how (?:do|can|could|would|should|might|to|does one|do you|do we|would one|can one|is it possible to)|"
    r"what(?:'s| is| are| would be)? (?:the )?(?:best|easiest|quickest|fastest|most effective|simplest|safest|cheapest|right|proper|correct) (?:way|ways|method|methods|means|technique|tool|tools|place|places)|"
    r"(?:ways?|steps?|tips?|methods?|instructions?|guide|tutorial|recipe) (?:to|for|on)|teach me|show me|help me|tell me how|give me|"
    r"i (?:want|need|plan|intend|wish|am going|'m going|wanna|would like|'d like|am trying|'m trying) to|let me|where (?:can|do|could|should) (?:i|we|one|you)|"
    r"can you (?:help|tell|show|teach|explain how|give|write|make|create)|should i|write (?:me )?(?:a|an|some)|generate|create (?:a|an|some)|"
    r"what do i need to|what (?:tools?|materials?|ingredients?|chemicals?) (?:do|are|would)|(?:good|best|easiest|effective|quick|quickest|fastest) ways? (?:of|to)|"
    r"(?:the |a )?process (?:for|of)|what can i do to|ways? (?:of|to)|good (?:place|plan|time|spot|way|method|idea) (?:to|for)|"
    r"can i (?:use|get|buy|find|make)|how would (?:i|someone|one)|where (?:is|are) the best place)\b"
)
_EVASION = re.compile(
    r"\b(?:without (?:getting |being )?(?:caught|detected|noticed|seen|traced|tracked|identified|anyone (?:knowing|noticing|finding out))|"
    r"without (?:him|her|them|my \w+|their|his|the (?:owner|user|person|victim))(?:'s)? (?:knowing|knowledge|consent|permission|noticing|finding out)|"
    r"get(?:ting)? away with|untraceable|undetect\w*|cover (?:up|my tracks)|leave no (?:trace|evidence)|hide (?:the|a) (?:body|corpse)|"
    r"dispose of (?:a|the) (?:body|corpse)|no one (?:will )?(?:know|find out)|in real life|irl|for real|actually (?:kill|hurt|harm|shoot|poison)|"
    r"so (?:that )?(?:it looks like an accident|nobody knows)|look like an accident|frame someone|looks? (?:natural|like (?:natural causes|a suicide|an overdose))|"
    r"use (?:it |them )?on (?:a |an |the |my )?(?:person|someone|somebody|people|human|humans|him|her|them|\w+'s (?:food|drink)))\b"
)
_FICTION = re.compile(
    r"\b(?:in|on|at|for|during|within|of|playing) (?:a |an |the |my |our |this |his |her |their )?(?:[\w'-]+ )?(?:novel|story|stories|fiction|fictional|movie|film|book|screenplay|script|play|game|video ?game|videogame|board ?game|chess|checkers|draughts|poker|monopoly|scrabble|cards|card game|minecraft|fortnite|call of duty|cod|gta|grand theft auto|skyrim|zelda|pok[eé]mon|halo|overwatch|league of legends|counter-strike|counter strike|csgo|valorant|dnd|d&d|dungeons (?:&|and) dragons|roleplay|role-play|rpg|anime|manga|tv show|series|show|comic|cartoon|fantasy|sims|simulation|match|tennis|boxing|wrestling|football|soccer|basketball|hockey|baseball|golf|paintball|laser tag|airsoft|sport|sports|race|tournament|debate|argument|competition|contest|quiz|trivia|elden ring|dark souls|world of warcraft|wow|among us|mario kart|smash bros|tekken|mortal kombat|street fighter|apex legends|pubg|red dead redemption|the witcher|assassin's creed|hitman|battlefield|diablo|fallout|doom|civilization|age of empires|starcraft|clash of clans|rainbow six|rust|ark|terraria|stardew valley|risk|mafia|werewolf|murder mystery|escape room|theatre|theater|musical|opera|sitcom|episode|lyrics|song|poem|poetry)\b|"
    r"\bfictional\b|\bfiction\b|\bmy (?:character|novel|story|book|screenplay|dnd|d&d|campaign)\b|"
    r"\b(?:write|writing|draft|compose) (?:me )?(?:a |an |the )?(?:short |funny |dark |sad |gripping )?(?:story|poem|novel|scene|screenplay|script|song|chapter|fanfic|fan fiction|narrative|plot)\b|\b(?:story|novel|scene|plot) (?:where|in which|about)\b|\bvillain\b|\bin-game\b|\bnpcs?\b|\bfantasy\b|\bzombies?\b|\bdragons?\b|\borcs?\b|\bgoblins?\b|\bvampires?\b|\bwerewol(?:f|ves)\b|\baliens?\b|\bdemons?\b|\bghosts?\b|\bboss (?:fight|battle)\b"
)
_HISTORY = re.compile(
    r"\b(?:history|historical(?:ly)?|ancient|medieval|centur(?:y|ies)|world war|ww1|ww2|wwi|wwii|holocaust|cold war|civil war|during the|"
    r"in (?:1[0-9]{3}|20[0-2][0-9])|happened|(?:what|who|which) (?:were|was)\b|what killed|who killed|cause of (?:his|her|their)? ?death|how did (?:[\w'-]+ ){1,3}die|what (?:caused|led to)|why did|why were|why was|how did|how were|how was|when did|"
    r"who (?:was|were|killed|shot|assassinated|murdered|bombed|ordered|committed|carried out)|"
    r"(?:was|were) (?:[\w'-]+ )?(?:killed|assassinated|executed|murdered|bombed|shot|massacred|poisoned|hanged|attacked|beheaded)|"
    r"genocide in|massacre (?:at|in|of)|bombing of|attack on|assassination of|the (?:[\w'-]+ )?(?:genocide|massacre|bombing|attack|war|revolution|regime|empire|dynasty|crusades?|inquisition))\b"
)
_NARRATIVE = re.compile(r"\s*(?:(?:how|why|when|where) (?:does|did|was|were|has|had)|what (?:[\w'-]+ ){0,3}did (?=they|he|she|the\b)) (?!i\b|we\b|you\b|one\b|someone\b|somebody\b|people\b|a person\b|anyone\b)")
_HIST_EXCLUDE = re.compile(r"\b(?:how (?:do|can|could|would|should) (?:i|we|one)|replicate|recreate|repeat|copy|emulate|reenact|do what|like (?:he|she|they) did|again|today)\b")
_DEFINITION = re.compile(
    r"^\s*(?:(?:can you |could you |please )?(?:tell me )?what(?:'s| is| are| was| were| does| do)\s+(?:the\s+)?(?:meaning|definition|def|origin)\b|"
    r"what(?:'s| is| are| was)\s+(?:an?\s+|the\s+)?(?:[\w'-]+\s+){0,3}[\w'-]+\s*[?.!]*\s*$|"
    r"(?:please )?define\b|definition of\b|meaning of\b|what does (?:the (?:word|term|phrase) )?[\w'\"“”‘’ -]+ mean|"
    r"(?:can you |could you |please )?explain (?:the )?(?:term|concept|meaning|word|phrase)|what is meant by\b|what do (?:people|you|we) mean by\b|"
    r"what (?:exactly )?(?:is|are) (?:an?\s+|the\s+)?[\w' -]{1,40}\??\s*$|who (?:is|was|are|were) (?:an?\s+|the\s+)?[\w' -]{1,40}\??\s*$)"
)
_NOT_DEFINITION = re.compile(r"\b(?:ways?|method|methods|process|steps?|best|how|where|tips?|guide|techniques?|tools?|recipe|instructions|easiest|quickest|good|effective|reasons?)\b")
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
    r"murder of crows|(?:set|show|gig|joke|jokes|presentation|talk|speech|pitch|audition|exam|test|interview|movie|film|album|launch|play|premiere) (?:totally |completely |really )?bombed|"
    r"take out (?:[\w'-]+ ){0,2}(?:for|to) (?:dinner|lunch|breakfast|brunch|drinks?|coffee|a (?:date|meal|drink|movie|walk|spin))|"
    r"(?:steal|stole|stealing) (?:[\w'-]+ ){0,2}hearts?|(?:hack|hacking|hacked) (?:together|up|around|on)\b|(?:explode|explodes|exploded|exploding) (?:with (?:laughter|joy|excitement|anger|rage|happiness|energy|colou?r|flavou?r|life|ideas|creativity)|onto|into the (?:scene|market|charts|mainstream))|"
    r"(?:snipe|sniping) (?:[\w'-]+ ){0,3}(?:deals?|bargains?|auctions?|bids?|items?|tickets?)|carve (?:out )?(?:a |my |your )?(?:niche|path|career|name|space|place)|"
    r"(?:hammer|hammering) (?:in |out |home )|(?:terminate|terminating|fire|firing|dismiss|dismissing|let go|lay off|laying off|sack|sacking) (?:an? |the |my |our |this )?(?:employee|employees|staff|staff member|worker|workers|contractor|intern|team member)s?|(?:take|taking|took) (?:\w+ ){0,2}out (?:for|to) (?:dinner|lunch|breakfast|brunch|drinks?|coffee|a (?:date|meal|drink|movie|walk|spin))|"
    r"state of ecstasy|ecstasy of|(?:can|bottle|glass|cup|pack|six-pack|case) of coke|diet coke|coke zero|"
    r"(?:terminate|terminating|terminated) (?:(?:the|my|a|an|this|that|your) )?(?:contract|lease|agreement|subscription|employment|process|program|thread|session|connection|instance|loop|account|string|line|job|pregnancy))\b"
)
_SELF = re.compile(r"\bmy own\b|\b(?:i|we) own\b|\bmyself\b|\bmy (?:own )?(?:router|network|wifi|wi-fi|computer|laptop|phone|account|server|website|site|app|system|device|car|house|home|password|email)\b")
_GAME_CONTEXT = _FICTION

_DISCR = re.compile(
    r"\b(?:why|should|is it (?:okay|ok|right|fair|acceptable|justified) (?:that|for|to))\s+(?:should(?:n't| not)?|can(?:'t|not)?|are(?:n't| not)?|do(?:n't| not)?|is(?:n't| not)?|must|were|did|would|could|shall|aren't)?\s*"
    r"(?P<grp>(?:[\w'-]+\s+){0,3}?[\w'-]+)\s+(?P<rest>(?:not\s+|never\s+|be\s+|so\s+|all\s+|generally\s+|always\s+)*"
    r"(?:(?<=not )[\w-]+|(?<=never )[\w-]+|allowed|able|permitted|given|banned|barred|excluded|forbidden|denied|have|get|vote|marry|work|live|own|hold|serve|run|adopt|become|receive|attend|enter|join|drive|travel|fly|teleport|"
    r"breathe|time|read|turn|photosynthes\w*|levitate|see|walk|talk|control|survive|transform|lead|earn|inherit|buy|rent|immigrate|speak|pray|practi[cs]e|wear|worship|access|be|"
    r"lazy|stupid|dumb|inferior|dirty|violent|criminals?|terrorists?|greedy|ugly|evil|bad|worse|weak|smelly|untrustworthy|dangerous|less|incapable|unfit|unintelligent)\b[^?.!]*)"
)
_ABSURD = re.compile(
    r"\b(?:time[- ]travel\w*|breathe (?:under ?water|in space)|teleport\w*|photosynthes\w*|levitat\w*|turn(?:ing)? invisible|become invisible|invisib\w*|read (?:minds|thoughts)|telepath\w*|telekines\w*|"
    r"shoot lasers|laser eyes|talk to (?:animals|plants|the dead)|control the weather|see through walls|walk through walls|walk on water|speed of light|faster than light|fly (?:without|like)|"
    r"live (?:on the sun|forever|on mars|underwater)|survive without (?:food|water|oxygen)|transform into|immortal\w*|superpowers?|magic|x-ray vision|"
    r"move (?:objects )?with (?:their|the) mind|stop time|reverse time|grow wings|breathe fire|glow in the dark|hibernate|shapeshift\w*|change colou?r|be in two places|"
    r"become (?:a |an )?(?:dragon|unicorn|planet|star|cloud)|spontaneously|turn into|on (?:mars|saturn|jupiter|venus|mercury|neptune|uranus|pluto|the moon|the sun)|"
    r"live (?:for|to) (?:\d{3,}|a thousand|hundreds of) years|(?:lightning|lasers?|fire) (?:from|out of) their|breathe in space|photosynthesi\w*)\b"
)
_RIGHTS = re.compile(
    r"\b(?:allowed|able|permitted|given|banned|barred|excluded|forbidden|denied|vote|voting|marry|marriage|work|own|hold|serve|run for|adopt|become|receive|attend|enter|join|drive|lead|earn|inherit|buy|rent|immigrate|pray|worship|rights?|"
    r"lazy|stupid|dumb|inferior|dirty|violent|criminals?|terrorists?|greedy|ugly|evil|bad|worse|weak|smelly|untrustworthy|dangerous|incapable|unfit|unintelligent|citizens?|paid|equal|education|school|jobs?|office|president|military|army|healthcare|property|children|kids|trusted)\b"
)

_PRIVATE_INFO = frozenset(
    """social security number|home address|phone number|email address|medical records|bank account|credit card|passport number|
    driver's license|ip address|criminal record|personal information|login|sexual orientation|pin|mother's maiden name|license plate|dox|password""".replace("\n", "").split("|")
)
_PRIVATE_INFO = frozenset(s.strip() for s in _PRIVATE_INFO) | {
    "browsing history", "immigration status", "tax records", "birth certificate", "credit score", "employment history", "school records",
    "dating history", "political affiliation", "genetic data", "health insurance", "therapy records", "private messages", "travel history",
    "court records", "security questions", "relationship status", "family members"}
# contact details that public figures / organisations publish (official email, office phone, office address)
_PUBLIC_OK_CONTACT = frozenset({"email address", "phone number", "physical address", "address", "political affiliation", "relationship status",
                                "family members", "employment history", "court records"})
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
_WHERE_LIVE = re.compile(
    r"\b(?:where|what (?:city|town|country|street|neighbou?rhood|part of \w+)) (?:does|did|do|is) (?P<o>[^?.,!]{2,60}?)(?:'s)? (?:primarily |currently |usually |now |actually |mostly )?(?:live|living|reside|stay|work|hide|located|now|office|home|house|residence|work in|live in)\b|"
    r"\bwhere (?P<o2>[^?.,!]{2,60}?) (?:lives|resides|stays|works)\b", re.I)
_GAPPED = [
    (re.compile(r"\bset(?:s|ting)? (?:[\w'-]+ ){1,3}on fire\b"), "set on fire", "violence"),
    (re.compile(r"\b(?:push|pushed|pushing|shove|shoved|throw|threw|throwing) (?:[\w'-]+ ){1,3}off (?:a |the )?(?:cliff|bridge|roof|building|balcony|edge)\b"), "push off", "violence"),
    (re.compile(r"\b(?:beat|beats|beating|beaten) (?:[\w'-]+ ){1,2}(?:up|to death|senseless|unconscious)\b"), "beat up", "violence"),
    (re.compile(r"\b(?:knock|knocks|knocked|knocking) (?:[\w'-]+ ){1,2}out\b"), "knock out", "violence"),
    (re.compile(r"\b(?:take|takes|took|taking) (?:[\w'-]+ ){1,2}out\b"), "take out", "violence"),
    (re.compile(r"\b(?:blow|blows|blew|blowing|blown) (?:[\w'-]+ ){1,2}up\b"), "blow up", "violence"),
]
_CAPSEQ = re.compile(r"(?:(?:[A-Z][\w.\-']*|de|van|von|der|al|bin|da|di|le|la|of|the)\s+)*[A-Z][\w.\-]*")
_NAME_POSS = re.compile(r"((?:[A-Z][\w.\-]*\s+)*[A-Z][\w.\-]*)(?:'s|’s|s'|’)\s+(\w[\w' -]{0,40})")
_OF_NAME = re.compile(r"\b(?:of|for|belonging to|about|on)\s+((?:the\s+)?(?:[A-Z][\w.\-']*\s+){0,4}[A-Z][\w.\-']*)")
_QWORDS = frozenset("What Where Who When Why How Which Is Are Can Could Would Should Do Does Did Tell Give Show Find Please I My The A An In On At For And Or If Was Were Has Have".split())

_HIST_HARM = re.compile(
    r"\b(?:replicate|recreate|repeat|reenact|re-enact|emulate|copy|bring back|revive|use (?:[\w']+\s+){0,3}(?:methods|tactics|strategies|approach|playbook)|"
    r"(?:benefits|positives?|positive (?:aspects|sides?|effects)|good (?:sides?|things|parts)|upsides?) of|never (?:took place|happened|occurred|existed)|"
    r"did(?:n't| not) (?:really )?(?:happen|take place|occur|exist)|(?:was|is) (?:a |just a )?(?:hoax|myth|lie|fabrication|exaggeration|made up|fake)|"
    r"overstat\w*|exaggerat\w*|fabricat\w*|deny|denying|glorif\w*|celebrat\w*|convince (?:people|others|everyone|my \w+)|prove that|"
    r"(?:how|why) (?:can|could|would|should) (?:i|we|one) justify|(?:was|were|is) (?:[\w'-]+ ){0,5}?(?:morally |ethically )?(?:right|justified|justifiable|a good thing|beneficial) (?:to|in|for)|"
    r"(?:was|were|is) (?:[\w'-]+ ){0,5}?(?:morally |ethically )?(?:justified|justifiable)(?=\s*[?.!]|\s*$)|do (?:it|this|that) again|(?:complete|total|utter) (?:lie|hoax|fabrication|myth))\b"
)
_ATROCITY = re.compile(
    r"\b(?:holocaust|shoah|genocide|massacre|ethnic cleansing|pogrom|gulag|khmer rouge|killing fields|third reich|nazis?|apartheid|slavery|slave trade|"
    r"jim crow|inquisition|crusades?|atomic bomb\w*|hiroshima|nagasaki|9/11|september 11|terror(?:ist)? attacks?|bombing|invasion|occupation|famine|"
    r"world war (?:1|2|i|ii|one|two)|ww1|ww2|wwii|hitler|stalin|pol pot|pinochet|mussolini|mao|idi amin|bin laden|regime|dictator\w*|junta|"
    r"what happened to|shooting|rwanda\w*|srebrenica|armenian|nanjing|nanking|tiananmen)\b"
)
_DISCR2 = re.compile(
    r"\b(?:why|reasons? why|explain why)\b[^?]{0,20}?\b(?:is it|it is|it's|would it be)\s+(?:right|best|good|better|fair|justified|okay|ok|acceptable|natural|reasonable|wise|smart)\s+"
    r"(?:for\s+(?:society\s+)?(?:that\s+|if\s+)?|that\s+)(?P<grp>(?:[\w'-]+\s+){0,3}?[\w'-]+?)\s+"
    r"(?:to|should|must|don't|do not|not|are|be|make|earn|get|have|pay|go|can't|cannot|never)\b"
)
_DISCR4 = re.compile(
    r"(?P<grp>(?:[\w'-]+\s+){0,2}?[\w'-]+)\s+(?:should|must|ought to|need to)\s+(?:not\s+|never\s+|all\s+)?(?:be\s+)?"
    r"(?:banned|barred|denied|excluded|deported|segregated|sterili[sz]ed|removed|expelled|exterminated|interned|forbidden|prevented|kept out|stripped|locked up|shot|killed)\b"
)
_DISCR3 = re.compile(
    r"\bwhy (?:should|must|do|are|can't|cannot|shouldn't)\s+(?P<grp>(?:[\w'-]+\s+){0,3}?[\w'-]+?)\s+(?:go through|undergo|face|pay|be subject(?:ed)? to|receive|get|be given|be paid|earn|have|be treated)\s+"
    r"(?:extra|more|less|fewer|lower|higher|additional|harsher|stricter|special|separate|different|worse)\b"
)

_COMMIT = frozenset("commit commits committing perpetrate perpetrating carry carrying plan planning stage staging orchestrate".split())
_SELF_INJURY = re.compile(
    r"\b(?:cut|carve|burn|scratch|pierce|stab|slice|hurt|injure|harm|sever|slit|break|bruise|scar)\w* (?:[\w'-]+ ){0,4}?(?:into |on |in |through )?"
    r"(?:my|my own|myself|your|your own) (?:[\w-]+ )?(?:arm|arms|leg|legs|skin|wrist|wrists|thigh|thighs|body|artery|arteries|vein|veins|throat|neck|stomach|face)\b"
)
_ACCOUNT_INTRUSION = re.compile(
    r"\b(?:get|getting|got|break|breaking|log|logging|hack|hacking|sign|signing|sneak|sneaking) (?:in|into|onto) (?:[\w'-]+ ){0,3}?"
    r"(?:account|accounts|email|inbox|phone|instagram|facebook|snapchat|whatsapp|icloud|gmail|messages|computer|laptop|tiktok|twitter|router|wifi|network|server|database|system)\b"
)
_HATE_CONTENT = frozenset({"racist", "slur", "n-word", "sexist", "homophobic", "antisemitic", "xenophobic", "dehumanize", "subhuman", "supremacy", "hate", "stereotype", "bigot"})
_HACK_CONTEXT = re.compile(r"\b(?:password|passwords|wifi|wi-fi|wpa2?|wep|account|network|hash|hashes|router|server|system|database|website|email|login|encryption|software|license|licence|drm|serial)\b")
_OTHERS_PROPERTY = re.compile(
    r"\b(?:my (?:neighbou?r|ex|ex-\w+|boss|coworker|co-worker|colleague|roommate|friend|sister|brother|wife|husband|partner|girlfriend|boyfriend|teacher|school|employer|mom|dad|mother|father|son|daughter|kid|classmate)(?:'s|s'|s)?|"
    r"someone(?: else)?'s|somebody(?: else)?'s|other people'?s|others'|a stranger'?s|(?:his|her|their) (?:account|phone|email|computer|password|wifi|network|messages|laptop)|"
    r"the school'?s|government|(?:a|the) bank'?s?|company'?s|corporate|without (?:permission|authori[sz]ation|consent))\b"
)

_SENSE_RANK = {"benign": 0, "ambiguous": 1, "harmful": 2}


_FUNCTION_WORDS = frozenset(
    "a an the my your his her their our its some this that these those up down out off away all any every each one own "
    "really quickly quietly easily best most more very just".split()
)
_PREPS = frozenset("in at on during with for from into onto inside near of about like".split())
_CRUEL = frozenset("torture poison abuse hurt beat kick stab drown strangle suffocate burn starve mutilate choke kill murder shoot".split())


_PEOPLE_HEADS = frozenset(
    "people person persons men women folks individuals community communities kids children immigrants americans guys girls boys "
    "families voters citizens workers students".split()
)


def _is_group_person(base: str, nxt: str) -> bool:
    """'gay people', 'immigrants', 'women' are people; 'black beans', 'old shed' are not."""
    if base in PERSON_TARGETS:
        return True
    if base not in GROUPS:
        return False
    return nxt in _PEOPLE_HEADS or (base.endswith("s") and len(base) > 3)


def _lexicon_hits(ws: list[str], possessives: bool) -> list[tuple[int, int, int, str, str, str]]:
    """(first token, end token, 0, lemma, category, flag) of the lexicon forms among the words ``ws``, left to right,
    the longest multi-word form first ("x's" also counts as "x"). Only words that can begin a form (or end in "'s",
    when ``possessives``) are tried: a long prompt costs one set test per word."""
    found: list[tuple[int, int, int, str, str, str]] = []
    n = len(ws)
    index_get = _INDEX.get
    end = 0  # tokens before this one are part of a form already found
    for i in [i for i, w in enumerate(ws) if w in _FIRST_KEYS or possessives and w.endswith("'s")]:
        if i < end:
            continue
        w0 = ws[i]
        if w0 in _MULTI_FIRST:  # longest multi-word form first (only lengths of forms that begin with these two words)
            for k in (*_MULTI_LENGTHS.get((w0, ws[i + 1]), ()), 1) if i + 1 < n else (1,):
                if k > n - i:
                    continue
                key = " ".join(ws[i:i + k]) if k > 1 else w0
                v = index_get(key)
                if v is None and k == 1 and key.endswith("'s"):
                    v = index_get(key[:-2])
                if v is not None:
                    found.append((i, i + k, 0, *v))
                    end = i + k
                    break
        else:
            v = index_get(w0)
            if v is None and w0.endswith("'s"):
                v = index_get(w0[:-2])
            if v is not None:
                found.append((i, i + 1, 0, *v))
    return found


def _token_spans(low: str, raw: list[str], words: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, word) of every `_TOKEN` match in ``low``, from its `findall` strings ``raw`` and their stripped
    ``words``: each raw token is the first occurrence of its text at or after the previous one's end (the gap between
    two tokens holds no token-starting character), so `str.find` places it; cheaper than match objects."""
    spans = []
    pos = 0
    find = low.find
    for r, w in zip(raw, words):
        start = find(r, pos)
        pos = start + len(r)
        spans.append((start, pos, w))
    return spans


def _objects(tokens: list[tuple[int, int, str]], i: int, text: str, prompt: str | None = None) -> str | None:
    """Classify the object after token i: 'benign', 'person', 'place', 'animal', 'thing' (another noun) or None.

    A benign object right after the verb decides ("kill the weeds in my garden"); past a locative preposition
    only a person or place target still counts ("disable the alarm in a bank vault", "land a punch on my girlfriend")."""
    n = len(tokens)
    j = i + 1
    limit = min(n, i + 8)
    prev_end = tokens[i][1]
    seen_thing = False
    past_prep = False
    while j < limit:
        s, e, w = tokens[j]
        if not _GAP_STOP.isdisjoint(text[prev_end:s]):
            break
        base = w[:-2] if w.endswith("'s") else w.rstrip("'")
        if base == "it" and j == i + 1:
            return "benign"
        nxt = tokens[j + 1][2] if j + 1 < n else ""
        if _is_group_person(base, nxt):
            return "person"  # includes "my ex's tires": someone else's property
        if base in PLACE_TARGETS and not (w.endswith("'s") and nxt in BENIGN_OBJECTS):
            return "place"
        if not past_prep:
            if (prompt is not None and s > 0 and prompt[s:s + 1].isupper() and base not in _FUNCTION_WORDS and j + 1 < n
                    and prompt[tokens[j + 1][0]:tokens[j + 1][0] + 1].isupper() and base not in BENIGN_OBJECTS
                    and base not in GROUPS and (j + 2 >= n or tokens[j + 2][2] in _FUNCTION_WORDS or tokens[j + 2][2] in _PREPS
                                                or any(ch in text[tokens[j + 1][1]:tokens[j + 2][0]] for ch in ".?!;:,"))):
                return "person"  # a capitalised full name that ends the phrase ("kill Joe Bloggs?")
            if base in BENIGN_OBJECTS:
                return "benign"
            if base in ANIMALS:
                return "animal"
        if base in _PREPS:
            if base in ("for", "with", "from", "about", "like"):
                break
            past_prep = True
        elif base in ("without", "while", "so", "because", "and", "or", "but", "to", "if", "when"):
            break
        elif base not in _FUNCTION_WORDS and not past_prep:
            seen_thing = True
        prev_end = e
        j += 1
    return "thing" if seen_thing else None


_POSS_BEFORE = re.compile(
    r"((?:[A-Z][\w.\-]*\s+){0,4}[A-Z][\w.\-]*|\b(?:my|our|his|her|their|your|a|the|this|that|some)\s+(?:[\w-]+\s+){0,2}?[\w-]+|\b(?:someone|somebody|anyone|anybody|[\w-]+))"
    r"(?:'s|’s|s'|’)\s*(?:[\w-]+\s+){0,2}$"
)
_PRONOUN_BEFORE = re.compile(r"\b(his|her|their)\s+(?:[\w-]+\s+){0,2}$", re.I)


def _privacy_owner(prompt: str, cue_start: int, cue_end: int) -> tuple[str, int, int, str] | None:
    """Find the owner of requested personal info: (kind, start, end, text). kind in private/fictional/institution/public."""
    before = prompt[max(0, cue_start - 80):cue_start]
    base = max(0, cue_start - 80)
    # every match of _POSS_BEFORE holds a possessive apostrophe: without one, skip its (slow, unanchored) search
    m = (_POSS_BEFORE.search(before) if ("'" in before or "’" in before) else None) or _PRONOUN_BEFORE.search(before)
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
    if _PRIVATE_OWNER.search(low) or (re.match(r"(?:my|our|his|her|their|your)\s+(?!own\b)\S", low) is not None):
        return ("private", s, e, text)
    if low in FICTIONAL_NAMES or re.search(r"\bfictional\b|\bcharacter\b|\bin (?:the )?(?:book|novel|movie|film|show|series|game|comic|play)", prompt.lower()):
        return ("fictional", s, e, text)
    for w in words:
        if w.lower().strip(".") in FICTIONAL_NAMES:
            return ("fictional", s, e, text)
    if _INSTITUTION.search(low) or (words[0].lower() == "the" and len(words) > 1 and words[1][:1].isupper()):
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
        if info in _PUBLIC_OK_CONTACT:
            return "benign", "public_person_contact_info"
        return ("harmful", "public_person_private_info") if private_info else ("benign", "public_person_public_info")
    # unknown owner (e.g. "what is a social security number", "how do I email their support team")
    return ("ambiguous", "info_request") if (operational and private_info and info not in _PUBLIC_OK_CONTACT) else ("benign", "no_owner")


def _lowered(text: str) -> str:
    """``text`` lower-cased with offsets kept aligned ('İ', which lower-cases to two characters, stays as it is) and
    typographic apostrophes made plain: the text every prompt-level rule reads."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    if "’" in low:
        low = low.replace("’", "'")
    return low


# One-pass prefilter (0.5.x). A fifth to a quarter of a cold prompt's ~100 µs went to ~8 regex searches per prompt,
# most of which fail: a failing search of one of the big alternations costs 1-7 µs even on a 44-character prompt (44 µs
# for _DISCR4). Every match of such a regex contains a string from each of a few literal sets, derived from the
# pattern itself (`multimatch.required_literals`); one Hyperscan pass over the lower-cased prompt says which regexes lack one of
# their sets, and those are not run. The regexes still decide, so the results are exactly those of running every one.

# The regexes that would run on (nearly) every prompt; those behind rarer conditions (_NOT_DEFINITION, _HIST_EXCLUDE,
# _ATROCITY, _ABSURD, _RIGHTS, _OTHERS_PROPERTY, _HACK_CONTEXT) would cost more in callbacks than they save. The
# context regexes only matter when the prompt holds a cue (or a gapped form may occur): without one, a smaller
# database is scanned, so their literals cost no callbacks.
_PROMPT_RULES = [_HIST_HARM, _WHERE_LIVE, _DISCR, _DISCR2, _DISCR3, _DISCR4, _SELF_INJURY, _ACCOUNT_INTRUSION]
_PREFILTER_NO_CUE = RegexPrefilter(_PROMPT_RULES, normalize=_lowered)
_PREFILTER_CUES = RegexPrefilter([_OPERATIONAL, _EVASION, _FICTION, _HISTORY, _DEFINITION, _FIGURATIVE, _SELF,
                                  *_PROMPT_RULES, *(rx for rx, _lemma, _cat in _GAPPED)], normalize=_lowered)


# Results are immutable and depend only on the prompt text, and monitored traffic repeats prompts a lot (the
# same evaluation prompt sent to several models, retries, shared templates): keep a bounded memo of recent ones.
_CACHE: dict[str, TriggerResult] = {}
_NO_CUES = TriggerResult((), "benign")
_CACHE_MAX = 4096
_CACHE_MAX_CHARS = 4000


def clear_cache() -> None:
    """Forget memoised prompt results (benchmarks call this to measure cold-cache throughput)."""
    _CACHE.clear()


def detect_cues(prompt: str) -> TriggerResult:
    """Find trigger cues in ``prompt`` and judge their sense and the prompt's overall risk."""
    r = _CACHE.get(prompt)
    if r is None:
        r = _detect_cues_uncached(prompt)
        if prompt is None or len(prompt) > _CACHE_MAX_CHARS:
            return r  # keep the memo's memory bounded (at most _CACHE_MAX x _CACHE_MAX_CHARS characters of keys)
        if len(_CACHE) >= _CACHE_MAX:
            try:
                del _CACHE[next(iter(_CACHE))]  # drop the oldest entry
            except (StopIteration, KeyError, RuntimeError):  # emptied concurrently
                pass
        _CACHE[prompt] = r
    return r


def _detect_cues_uncached(prompt: str) -> TriggerResult:
    if not prompt:
        return _NO_CUES
    low = _lowered(prompt)
    raw = _TOKEN.findall(low)
    ws = [w.strip("'-") for w in raw] if ("'" in low or "-" in low) else raw
    found = _lexicon_hits(ws, "'s" in low) if (not _FIRST_KEYS.isdisjoint(ws) or "'s" in low) else []
    tokens = _token_spans(low, raw, ws) if found else []
    gapped_possible = " fire" in low or " off " in low or " up" in low or " out" in low or " to death" in low
    prefilter = _PREFILTER_CUES if found or gapped_possible else _PREFILTER_NO_CUE
    skip = prefilter.ruled_out(low, prompt)  # id(rx) in skip: rx cannot match low, its search is skipped
    if found or gapped_possible:
        operational = id(_OPERATIONAL) not in skip and _OPERATIONAL.search(low) is not None
        evasion = id(_EVASION) not in skip and _EVASION.search(low) is not None
        fiction = id(_FICTION) not in skip and _FICTION.search(low) is not None
        hist = ((id(_HISTORY) not in skip and _HISTORY.search(low) is not None or _NARRATIVE.match(low) is not None)
                and _HIST_EXCLUDE.search(low) is None)
        definition = (id(_DEFINITION) not in skip and _DEFINITION.search(low) is not None and not operational
                      and _NOT_DEFINITION.search(low) is None)
        fig_spans = [(m.start(), m.end()) for m in _FIGURATIVE.finditer(low)] if id(_FIGURATIVE) not in skip else []
        self_target = id(_SELF) not in skip and _SELF.search(low) is not None
    else:  # fast path: no lexicon cue at all
        operational = evasion = hist = definition = self_target = False
        fiction = "fiction" in low or "character" in low
        fig_spans = []
    hist_harm_m = _HIST_HARM.search(low) if id(_HIST_HARM) not in skip else None
    hist_harm = hist_harm_m is not None and (_ATROCITY.search(low) is not None or _HISTORY.search(low) is not None)

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
            if lemma in ("track", "spy on"):
                tobj = _objects(tokens, tj - 1, low, prompt)
                if tobj == "person" or _OTHERS_PROPERTY.search(low):
                    sense, why = ("harmful", "surveillance_of_person") if (operational or evasion) and not fiction else ("ambiguous", "surveillance_of_person")
                    cues.append(Cue(lemma, cat, sense, s, e, text, why))
                    privacy_done = True
                continue
            if owner is None and lemma in ("location", "pin", "religion", "password", "login", "salary", "marital status"):
                if lemma == "password" and operational and not self_target and re.search(r"\b(?:someone|his|her|their|my (?:wife|husband|partner|ex|girlfriend|boyfriend|boss|neighbou?r|friend|coworker)|other people)", low):
                    cues.append(Cue("password", "hacking", "harmful", s, e, text, "others_password"))
                continue
            if owner is None:
                sense, why = _privacy_sense(lemma, "fictional" if fiction else "unknown", operational)
                if lemma in ("dox", "spy on") or (lemma == "track" and re.search(r"\b(?:someone|my (?:wife|husband|partner|ex|girlfriend|boyfriend))", low)):
                    sense, why = ("harmful", "surveillance") if not fiction else ("benign", "fiction")
            else:
                kind, os_, oe, otext = owner
                sense, why = _privacy_sense(lemma, "fictional" if fiction else kind, operational)
                if kind != "unknown" and otext:
                    cues.append(Cue(otext.lower(), "privacy", sense, os_, oe, prompt[os_:oe], "subject:" + kind))
                    covered.append((os_, oe))
            privacy_done = True
            cues.append(Cue(lemma, cat, sense, s, e, text, why))
            covered.append((s, e))
            continue

        in_fig = any(a <= s < b for a, b in fig_spans)
        obj = _objects(tokens, tj - 1, low, prompt)
        if ti > 0 and tokens[ti - 1][2].endswith("'s") and tokens[ti - 1][2][:-2] in PERSON_TARGETS and obj not in ("benign", "place"):
            obj = "person"  # "plan someone's death"
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
        elif prev_words and any(w in _COMMIT for w in prev_words[-3:]) and (operational or evasion) and not (fiction or hist or definition):
            sense, why = "harmful", "commit_crime"
        elif cat == "hate" and lemma in _HATE_CONTENT and operational and not hist and not definition:
            sense, why = "harmful", "hateful_content_request"
        elif cat == "hacking" or (lemma == "crack" and _HACK_CONTEXT.search(low)):
            if self_target and not _OTHERS_PROPERTY.search(low):
                sense, why = "benign", "own_property"
            elif fiction or definition or hist:
                sense, why = "benign", "fiction_or_informational"
            elif _OTHERS_PROPERTY.search(low) or evasion:
                sense, why = "harmful", "others_property"
            elif operational and obj != "benign":
                sense, why = "ambiguous", "operational"
            else:
                sense, why = "benign", "mention"
            cat = "hacking"
        elif hist_harm and cat in ("violence", "extremism", "hate", "weapons", "crime"):
            sense, why = "harmful", "denial_or_glorification"
        elif in_fig:
            sense, why = "benign", "figurative"
        elif evasion and (not weak or obj == "person" or operational) and obj != "benign" and cat in ("violence", "weapons", "crime", "drugs", "hacking", "extremism", "sexual"):
            sense, why = "harmful", "evasion_or_real_life"
        elif is_noun and prev1 in _BENIGN_MODIFIERS:
            sense, why = "benign", "benign_modifier"
        elif cat == "drugs" and prev1 in ("a", "an", "to") and flag != "h":
            sense, why = "benign", "count_noun_or_verb_homonym"
        elif obj == "benign" and flag != "h":
            sense, why = "benign", "benign_object"
        elif obj == "animal" and not is_noun:
            sense, why = ("ambiguous", "animal_cruelty") if (lemma in _CRUEL and not fiction and operational and evasion) else ("benign", "animal_object")
        elif fiction:
            sense, why = "benign", "fiction_or_game"
        elif definition:
            sense, why = "benign", "definition"
        elif hist:
            sense, why = "benign", "historical"
        elif obj == "place" and self_target:
            sense, why = "benign", "own_property"
        elif obj == "place" and not is_noun:
            sense, why = ("harmful", "place_target") if (operational or evasion) and not weak else ("ambiguous", "place_target")
        elif obj == "person" and not is_noun:
            if self_target and cat == "hacking":
                sense, why = "ambiguous", "own_property"
            else:
                sense, why = ("harmful", "person_target") if (operational or not weak) else ("ambiguous", "person_target")
        elif is_noun and tokens[tj - 1][2].rstrip("s") in BENIGN_OBJECTS and any(c.reason == "benign_object" for c in cues):
            sense, why = "benign", "object_of_benign_verb"
        elif is_noun and obj in ("person", "place") and (operational or evasion):
            sense, why = "harmful", "weapon_or_drug_against_target"
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
        elif operational and obj == "thing" and cat in ("violence",) and not hist_harm:
            sense, why = "benign", "non_person_object"
        elif operational:
            sense, why = "ambiguous", "operational_no_object"
        else:
            sense, why = "benign", "mention"
        cues.append(Cue(lemma, cat, sense, s, e, text, why))
        covered.append((s, e))

    for rx, lemma, cat in (_GAPPED if gapped_possible else ()):
        for m in (rx.finditer(low) if id(rx) not in skip else ()):
            if any(c.start <= m.start() < c.end for c in cues):
                continue
            gs, ge = m.start(), m.end()
            inner = low[gs:ge]
            fig = any(a <= gs < b for a, b in fig_spans) or any(w in BENIGN_OBJECTS for w in inner.split()[1:-2])
            person = any(w.rstrip("'s") in PERSON_TARGETS for w in inner.split())
            if fig and not person:
                sense, why = "benign", "figurative_or_benign_object"
            elif fiction or hist:
                sense, why = "benign", "fiction_or_history"
            elif person:
                sense, why = "harmful", "person_target"
            else:
                sense, why = ("ambiguous", "operational") if operational else ("benign", "mention")
            cues.append(Cue(lemma, cat, sense, gs, ge, prompt[gs:ge], why))
    # personal-attribute request about a named person with no explicit privacy cue ("What is X's favourite food?")
    if not privacy_done:
        for m in (_NAME_POSS.finditer(prompt) if ("'" in prompt or "’" in prompt) else ()):
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
    if True:
        wm = _WHERE_LIVE.search(prompt) if ("where" in low or "what" in low) and id(_WHERE_LIVE) not in skip else None
        if wm and not any(c.category == "privacy" and c.reason.startswith("subject:") for c in cues):
            g = "o" if wm.group("o") else "o2"
            kind, os_, oe, otext = _classify_owner(prompt, wm.start(g), wm.end(g), wm.group(g))
            if kind != "unknown":
                sense = {"fictional": "benign", "institution": "benign", "public": "benign", "private": "harmful"}[kind]
                cues.append(Cue(otext.lower(), "privacy", sense, os_, oe, prompt[os_:oe], "subject:" + kind))
                vs, ve = wm.end(g) + 1, wm.end()
                cues.append(Cue("address", "privacy", sense, vs, ve, prompt[vs:ve], "location_request:" + kind))

    # discrimination framing over a group
    has_why = "why" in low or "reason" in low
    dm = _DISCR.search(low) if (has_why or "should" in low or "is it" in low) and id(_DISCR) not in skip else None
    if dm:
        grp = dm.group("grp").strip()
        rest = dm.group("rest")
        gwords = [w for w in grp.split() if w not in ("the", "all", "some", "most", "many", "we", "i", "you", "they", "people")]
        if gwords and grp not in ("i", "we", "you", "it", "they", "he", "she") and gwords[-1] not in ("be", "not", "that"):
            allw = grp.split()
            protected = any(_is_group_person(w, allw[k + 1] if k + 1 < len(allw) else "") and w not in ("people", "person", "men", "women") or
                            (w in ("men", "women")) for k, w in enumerate(allw))
            gs, ge = dm.start("grp"), dm.end("grp")
            if _ABSURD.search(rest) or _ABSURD.search(low[dm.end("grp"):]):
                sense, why = "benign", "absurd_discrimination"
            elif protected and _RIGHTS.search(rest):
                sense, why = "harmful", "discrimination_protected_group"
            elif protected and re.match(r"(?:can|can't|cannot|are|aren't|do|don't)\b", low[dm.start():].split(None, 1)[1] if len(low[dm.start():].split(None, 1)) > 1 else ""):
                sense, why = "benign", "ability_question"
            elif protected:
                sense, why = "ambiguous", "group_question"
            else:
                sense, why = "benign", "non_protected_group"
            if not any(c.start <= gs < c.end for c in cues):
                cues.append(Cue(grp, "hate", sense, gs, ge, prompt[gs:ge], why))

    for rx in ((_DISCR2, _DISCR3, _DISCR4) if has_why else (_DISCR4,) if ("should" in low or "must" in low or "ought" in low or "need to" in low) else ()):
        m2 = rx.search(low) if id(rx) not in skip else None
        if not m2:
            continue
        grp = m2.group("grp").strip()
        gs, ge = m2.start("grp"), m2.end("grp")
        gwords = [w for w in grp.split() if w not in ("the", "all", "some", "most", "many", "society")]
        if not gwords or any(c.start <= gs < c.end for c in cues) or gwords[-1] in _FUNCTION_WORDS or gwords[-1] in ("be", "not", "that", "they", "we", "you", "i", "it"):
            continue
        allw = grp.split()
        protected = any(_is_group_person(w, allw[k + 1] if k + 1 < len(allw) else "") and w not in ("people", "person") or
                        (w in ("men", "women")) for k, w in enumerate(allw))
        sense, why = ("harmful", "discriminatory_justification") if protected else ("benign", "non_protected_group")
        if _ABSURD.search(low[ge:]):
            sense, why = "benign", "absurd_discrimination"
        cues.append(Cue(grp, "hate", sense, gs, ge, prompt[gs:ge], why))
    if "my" in low or "your" in low:
        sm = _SELF_INJURY.search(low) if id(_SELF_INJURY) not in skip else None
        if sm and not any(c.sense == "harmful" for c in cues):
            sense, why = ("benign", "fiction_or_informational") if (fiction or hist) else ("harmful", "self_injury")
            cues.append(Cue("self-harm", "self_harm", sense, sm.start(), sm.end(), prompt[sm.start():sm.end()], why))
    am = (_ACCOUNT_INTRUSION.search(low) if ("into" in low or "onto" in low or " in " in low) and id(_ACCOUNT_INTRUSION) not in skip
          else None)
    if am and not any(c.start <= am.start() < c.end for c in cues):
        if self_target and not _OTHERS_PROPERTY.search(low):
            sense, why = "benign", "own_property"
        elif _OTHERS_PROPERTY.search(low) or evasion:
            sense, why = "harmful", "others_property"
        else:
            sense, why = "ambiguous", "account_access"
        cues.append(Cue("break into", "hacking", sense, am.start(), am.end(), prompt[am.start():am.end()], why))
    if hist_harm and not any(c.sense == "harmful" for c in cues):
        hs, he = hist_harm_m.start(), hist_harm_m.end()
        cues.append(Cue(low[hs:he], "extremism", "harmful", hs, he, prompt[hs:he], "denial_or_glorification"))

    risk = "benign"
    for c in cues:
        if _SENSE_RANK[c.sense] > _SENSE_RANK[risk]:
            risk = c.sense
    cues.sort(key=lambda c: c.start)
    return TriggerResult(tuple(cues), risk)  # type: ignore[arg-type]
