"""Cue lexicon for the trigger detector (hand-written from general knowledge; no XSTest text).

``CUES[category][lemma] = (flag, extra_forms)``:
  * flag ``"h"``: inherently harmful-leaning term (bomb, meth, ransomware...);
  * flag ``"a"``: ordinary trigger word whose sense depends on context (kill, shoot, crack...);
  * extra_forms: irregular forms; regular inflections are generated.
"""
from __future__ import annotations

CUES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "violence": {
        "kill": ("a", ("killer", "killers", "kill off")), "murder": ("a", ("murderer", "murderers", "murderous")),
        "shoot": ("a", ("shot", "shooter", "shooters", "shootings")), "stab": ("a", ("stabbing", "stabbings")),
        "strangle": ("a", ("strangulation",)), "choke": ("a", ()), "slaughter": ("a", ()),
        "assassinate": ("a", ("assassination", "assassin", "assassins")), "execute": ("a", ("execution", "executions", "executioner")),
        "behead": ("h", ("beheading",)), "decapitate": ("a", ("decapitation",)), "torture": ("a", ()),
        "beat up": ("a", ("beat up", "beats up", "beaten up", "beating up")), "beat": ("a", ("beat", "beaten", "beating")),
        "punch": ("a", ()), "attack": ("a", ("attacker", "attackers")), "hurt": ("a", ("hurt",)), "harm": ("a", ()),
        "injure": ("a", ("injury", "injuries")), "maim": ("h", ()), "massacre": ("a", ()), "slay": ("a", ("slew", "slain")),
        "kidnap": ("a", ("kidnapping", "kidnapper", "kidnapped", "kidnapping")), "abduct": ("a", ("abduction",)),
        "hostage": ("a", ("hostages",)), "terminate": ("a", ("termination",)), "eliminate": ("a", ("elimination",)),
        "annihilate": ("a", ()), "butcher": ("a", ()), "slit": ("a", ("slit", "slitting")), "drown": ("a", ()),
        "suffocate": ("a", ()), "smother": ("a", ()), "crush": ("a", ()), "hit": ("a", ("hit", "hitting", "hitman")),
        "slap": ("a", ()), "hang": ("a", ("hung", "hanged", "hanging")), "lynch": ("h", ("lynching",)),
        "blow up": ("a", ("blew up", "blown up", "blowing up", "blows up")), "blow away": ("a", ("blew away", "blown away", "blowing away")),
        "burn": ("a", ("burnt",)), "set fire": ("a", ("set fire", "setting fire", "sets fire", "set on fire")),
        "break someone's": ("a", ()), "snap neck": ("a", ("snap his neck", "snap her neck", "snap someone's neck")),
        "gut": ("a", ()), "bludgeon": ("a", ()), "whack": ("a", ()), "take out": ("a", ("took out", "taken out", "taking out", "takes out")),
        "wipe out": ("a", ("wiped out", "wiping out", "wipes out")), "smash": ("a", ()), "stalk": ("a", ("stalker",)),
        "terrorize": ("a", ("terrorise", "terrorised", "terrorising")), "violence": ("a", ("violent",)), "die": ("a", ("dying", "died", "dead", "death")),
        "poison": ("a", ()), "knock out": ("a", ("knocked out", "knocking out", "knocks out")), "fight": ("a", ("fought",)),
        "war crime": ("a", ()), "genocide": ("a", ("genocidal",)), "ethnic cleansing": ("a", ()), "bury": ("a", ("buried",)),
        "corpse": ("a", ("dead body", "body")), "dismember": ("h", ()), "disembowel": ("a", ()), "eviscerate": ("a", ()),
        "axe": ("a", ()), "slash": ("a", ()), "throttle": ("a", ()), "capture": ("a", ()), "trap": ("a", ()),
        "destroy": ("a", ()), "obliterate": ("a", ()), "demolish": ("a", ()), "overpower": ("a", ()), "break": ("a", ("broke", "broken")),
        "headshot": ("a", ()), "blast": ("a", ()), "pull the trigger": ("a", ()), "wreck": ("a", ()),
        "euthanize": ("a", ("euthanise", "euthanasia")), "exterminate": ("a", ("extermination",)), "eradicate": ("a", ("eradication",)),
        "rip off": ("a", ("ripped off", "ripping off", "rips off", "tear off", "tore off", "torn off")), "chop up": ("a", ("chopped up", "chopping up", "chop off", "chopped off")),
        "cut off": ("a", ("cutting off", "cuts off")), "dispose of": ("a", ("disposing of", "disposed of", "dispose")), "disable": ("a", ()),
        "neutralize": ("a", ("neutralise",)), "sever": ("a", ()), "amputate": ("a", ()), "skin": ("a", ()), "gouge": ("a", ()), "impale": ("a", ()),
        "assault": ("a", ("assaulted", "assaulting")), "mutilate": ("h", ("mutilation",)), "castrate": ("a", ()), "incapacitate": ("a", ()),
        "knock unconscious": ("a", ()), "run over": ("a", ("ran over", "running over")), "push off": ("a", ("pushed off", "push him off", "push her off")),
        "shatter": ("a", ()), "hunt down": ("a", ("hunted down", "hunting down", "hunts down")), "hunt": ("a", ("hunter",)), "decimate": ("a", ()),
        "snipe": ("a", ("sniper",)), "hammer": ("a", ()), "carve": ("a", ()), "pierce": ("a", ()), "tackle": ("a", ()), "liquidate": ("a", ("liquidation",)),
        "do away with": ("a", ("did away with", "doing away with", "done away with")), "push": ("a", ()), "knockout": ("a", ("knock-out",)),
        "explode": ("a", ()), "detonate": ("a", ()), "obliterate": ("a", ()), "flatten": ("a", ()), "bash": ("a", ()), "pummel": ("a", ()),
        "starve": ("a", ()), "electrocute": ("a", ()), "crucify": ("a", ("crucifixion",)), "lobotomy": ("a", ()), "wound": ("a", ()), "blind": ("a", ()),
    },
    "weapons": {
        "gun": ("a", ("guns", "gunman")), "firearm": ("a", ()), "rifle": ("a", ()), "pistol": ("a", ()), "handgun": ("a", ()),
        "shotgun": ("a", ()), "ammunition": ("a", ("ammo",)), "bullet": ("a", ()), "bomb": ("a", ("bomber", "bombing", "bombings")),
        "explosive": ("a", ("explosives", "explosion", "explode")), "grenade": ("a", ()), "detonate": ("a", ("detonator",)),
        "pipe bomb": ("h", ()), "molotov": ("h", ("molotov cocktail",)), "knife": ("a", ("knives",)), "machete": ("a", ()),
        "sword": ("a", ()), "weapon": ("a", ("weaponize", "weaponise")), "nuke": ("a", ("nuclear weapon", "nuclear bomb", "atomic bomb")),
        "bioweapon": ("h", ("biological weapon",)), "chemical weapon": ("h", ()), "nerve agent": ("h", ()), "sarin": ("h", ()),
        "ricin": ("h", ()), "anthrax": ("h", ()), "silencer": ("a", ("suppressor",)), "ghost gun": ("h", ()), "landmine": ("a", ()),
        "missile": ("a", ()), "napalm": ("h", ()), "thermite": ("a", ()), "tnt": ("a", ()), "dynamite": ("a", ()), "c4": ("a", ()),
        "ar-15": ("a", ("ar15",)), "ak-47": ("a", ("ak47",)), "crossbow": ("a", ()), "taser": ("a", ()), "pepper spray": ("a", ()),
    },
    "drugs": {
        "drug": ("a", ()), "cocaine": ("h", ()), "coke": ("a", ()), "crack": ("a", ()), "heroin": ("h", ()),
        "meth": ("h", ("methamphetamine", "crystal meth")), "lsd": ("a", ()), "mdma": ("a", ("ecstasy",)), "weed": ("a", ()),
        "marijuana": ("a", ("marihuana",)), "cannabis": ("a", ()), "fentanyl": ("h", ()), "opioid": ("a", ()), "opium": ("a", ()),
        "ketamine": ("a", ()), "shrooms": ("a", ("magic mushrooms", "psilocybin")), "overdose": ("a", ("od",)),
        "get high": ("a", ("getting high", "got high", "get stoned", "getting stoned")), "stoned": ("a", ()), "narcotic": ("a", ()),
        "drug dealer": ("a", ("dealer",)), "joint": ("a", ()), "pot": ("a", ()), "dope": ("a", ()), "speed": ("a", ()),
        "acid": ("a", ()), "smack": ("a", ()), "molly": ("a", ()), "xanax": ("a", ()), "oxycodone": ("a", ("oxy", "oxycontin")),
        "morphine": ("a", ()), "amphetamine": ("a", ("adderall",)), "crystal": ("a", ()), "psychedelic": ("a", ()),
        "roofie": ("h", ("rohypnol", "date rape drug")), "ghb": ("h", ()), "pcp": ("a", ()), "inject": ("a", ()), "snort": ("a", ()),
        "cook": ("a", ("cooked", "cooking")), "grow": ("a", ("grew", "grown")), "smoke": ("a", ()),
    },
    "hacking": {
        "hack": ("a", ("hacker", "hackers", "hacking")), "exploit": ("a", ()), "malware": ("h", ()), "ransomware": ("h", ()),
        "virus": ("a", ("viruses",)), "trojan": ("a", ()), "keylogger": ("h", ()), "phishing": ("a", ("phish",)),
        "ddos": ("a", ("dos attack",)), "botnet": ("h", ()), "sql injection": ("a", ()), "backdoor": ("a", ()), "rootkit": ("h", ()),
        "brute force": ("a", ()), "bypass": ("a", ()), "jailbreak": ("a", ()), "spyware": ("h", ()), "breach": ("a", ()),
        "zero-day": ("a", ("zero day", "0day")), "payload": ("a", ()), "reverse shell": ("a", ()), "privilege escalation": ("a", ()),
        "spoof": ("a", ()), "sniff": ("a", ()), "crack password": ("a", ()), "password": ("a", ()), "wifi password": ("a", ()),
        "break into": ("a", ("broke into", "breaking into", "breaks into", "broken into", "break in", "broke in", "breaking in", "breaks in")), "infiltrate": ("a", ()), "intercept": ("a", ()),
    },
    "self_harm": {
        "suicide": ("a", ("suicidal",)), "kill myself": ("h", ("killing myself", "kill yourself", "killed myself")),
        "end my life": ("h", ("ending my life", "end it all", "take my own life", "take my life")),
        "self-harm": ("a", ("self harm", "selfharm")), "cut myself": ("h", ("cutting myself",)), "hang myself": ("h", ("hanging myself",)),
        "slit my wrists": ("h", ()), "starve myself": ("h", ("starving myself",)), "hurt myself": ("h", ("hurting myself",)),
        "anorexia": ("a", ("anorexic", "bulimia", "eating disorder")), "want to die": ("h", ("wanna die",)),
    },
    "sexual": {
        "sex": ("a", ("sexual", "sexually", "sexy")), "porn": ("a", ("porno", "pornography", "pornographic")), "nude": ("a", ("nudes", "nudity")),
        "naked": ("a", ()), "erotic": ("a", ("erotica",)), "explicit": ("a", ()), "orgasm": ("a", ()), "fetish": ("a", ()),
        "nsfw": ("a", ()), "escort": ("a", ()), "prostitute": ("a", ("prostitution", "hooker", "sex worker")), "strip": ("a", ("stripper",)),
        "seduce": ("a", ("seduction",)), "rape": ("a", ("rapist", "raped")), "molest": ("h", ("molestation",)), "incest": ("h", ()),
        "child porn": ("h", ("csam", "child pornography")), "pedophilia": ("h", ("pedophile", "paedophile", "paedophilia", "pedophiles", "child abuse", "grooming")), "grope": ("a", ()), "aphrodisiac": ("a", ()), "hookup": ("a", ("hook up",)),
        "sext": ("a", ("sexting",)), "onlyfans": ("a", ()), "penis": ("a", ()), "vagina": ("a", ()), "breast": ("a", ("boobs",)),
    },
    "hate": {
        "racist": ("a", ("racism",)), "slur": ("a", ()), "n-word": ("h", ()), "inferior": ("a", ()), "hate": ("a", ("hatred", "hateful")),
        "supremacy": ("a", ("supremacist", "white power")), "discriminate": ("a", ("discrimination", "discriminatory")),
        "segregation": ("a", ("segregate",)), "bigot": ("a", ("bigotry", "bigoted")), "homophobic": ("a", ("homophobia", "transphobic", "transphobia")),
        "sexist": ("a", ("sexism", "misogyny", "misogynist")), "antisemitic": ("a", ("antisemitism", "anti-semitic")),
        "xenophobic": ("a", ("xenophobia",)), "dehumanize": ("a", ("dehumanise",)), "subhuman": ("h", ()), "deport": ("a", ("deportation",)),
        "stereotype": ("a", ()),
    },
    "privacy": {
        "social security number": ("a", ("ssn", "social security no")), "home address": ("a", ()), "address": ("a", ("addresses",)),
        "phone number": ("a", ("cell number", "mobile number", "telephone number", "cellphone number")), "email address": ("a", ("e-mail address", "email")),
        "date of birth": ("a", ("birthday", "birthdate", "dob")), "medical records": ("a", ("medical record", "medical history", "health records", "health history", "medical condition", "diagnosis")),
        "bank account": ("a", ("bank details", "bank account number", "account number", "banking details", "bank statement")),
        "credit card": ("a", ("credit card number", "credit card details", "debit card")), "passport number": ("a", ("passport",)),
        "driver's license": ("a", ("drivers license", "driving licence", "license number")), "ip address": ("a", ()),
        "location": ("a", ("whereabouts",)), "live": ("a", ("lives", "living")), "salary": ("a", ("income", "net worth", "tax returns")),
        "criminal record": ("a", ("criminal history", "arrest record")), "personal information": ("a", ("personal info", "personal data", "private information", "personal details", "contact details", "contact information")),
        "dox": ("h", ("doxx", "doxxing", "doxing")), "track": ("a", ("tracking", "tracker")), "spy on": ("a", ("spying on", "spied on", "spies on")),
        "login": ("a", ("log-in", "login details", "credentials")), "sexual orientation": ("a", ()), "pin": ("a", ("pin code", "pin number")),
        "mother's maiden name": ("a", ("maiden name",)),
        "browsing history": ("a", ("internet history", "search history", "internet browsing history", "web history", "browser history")),
        "immigration status": ("a", ("visa status", "citizenship status", "residency status", "residence permit", "green card")),
        "tax records": ("a", ("tax record", "tax return", "tax returns", "tax information", "tax history")),
        "birth certificate": ("a", ("birth record", "birth records")), "credit score": ("a", ("credit history", "credit report")),
        "employment history": ("a", ("work history", "employment records", "performance review", "pay slip", "payslip", "payslips")),
        "school records": ("a", ("grades", "transcript", "transcripts", "academic records", "exam results")),
        "dating history": ("a", ("sexual history", "relationship history", "love life", "dating life")),
        "political affiliation": ("a", ("political views", "voting record", "voting history", "party affiliation", "who they voted for")),
        "genetic data": ("a", ("dna", "biometric data", "fingerprints", "genetic information")),
        "health insurance": ("a", ("insurance number", "national insurance number", "health insurance number", "insurance details")),
        "therapy records": ("a", ("therapy notes", "mental health records", "mental health history", "prescriptions", "prescription history",
                                  "vaccination status", "hiv status", "health status", "health information", "medical information")),
        "private messages": ("a", ("text messages", "dms", "direct messages", "private emails", "chat history", "call history", "call logs")),
        "travel history": ("a", ("travel records", "flight details", "itinerary", "gps location", "current location", "real-time location")),
        "court records": ("a", ("legal history", "police record", "court history", "lawsuits")),
        "security questions": ("a", ("security question", "security answers", "recovery codes", "2fa codes", "one-time code")),
        "relationship status": ("a", ()), "family members": ("a", ("family details", "children's names", "kids' names")),
        "physical address": ("a", ("postal address", "mailing address", "street address", "residential address", "office address", "work address")), "license plate": ("a", ()), "marital status": ("a", ()), "religion": ("a", ()),
    },
    "crime": {
        "steal": ("a", ("stole", "stolen", "stealing")), "rob": ("a", ("robbery", "robber")), "burglar": ("a", ("burglary", "burgle")),
        "shoplift": ("a", ("shoplifting",)), "fraud": ("a", ("fraudulent",)), "scam": ("a", ("scammer",)), "launder": ("h", ("money laundering",)),
        "counterfeit": ("a", ()), "forge": ("a", ("forgery",)), "embezzle": ("a", ("embezzlement",)), "blackmail": ("a", ()), "extort": ("a", ("extortion",)),
        "bribe": ("a", ("bribery",)), "smuggle": ("a", ("smuggling", "smuggler")), "traffic": ("a", ("trafficking", "trafficker")),
        "hijack": ("a", ("hijacking",)), "poach": ("a", ("poaching",)), "arson": ("a", ("arsonist",)), "vandalize": ("a", ("vandalise", "vandalism")),
        "pick a lock": ("a", ("lockpick", "lock picking", "lockpicking", "pick the lock", "pick locks")), "hotwire": ("a", ()),
        "tax evasion": ("a", ("evade taxes", "evade tax")), "pirate": ("a", ("piracy",)), "cheat": ("a", ()), "loot": ("a", ()), "heist": ("a", ()),
        "fake id": ("a", ("fake ids",)), "identity theft": ("a", ("steal identity", "steal someone's identity")), "ponzi": ("a", ("ponzi scheme", "pyramid scheme")),
        "insider trading": ("a", ()), "human trafficking": ("h", ("sex trafficking", "traffic humans", "trafficking people")),
"abuse": ("a", ("abused", "abusing", "abuser")), "manipulate": ("a", ("manipulation",)),
        "gaslight": ("a", ("gaslighting",)), "harass": ("a", ("harassment",)), "bully": ("a", ("bullying",)), "threaten": ("a", ("threat", "threats")), "bootleg": ("a", ()), "crime": ("a", ("criminal", "crimes")), "illegal": ("a", ("illegally",)),
        "get away with": ("a", ("got away with", "getting away with")), "without getting caught": ("h", ("without being caught", "not get caught", "undetected", "untraceable")),
        "evade": ("a", ("evasion",)), "escape from prison": ("a", ("break out of prison", "escape prison", "escape jail")), "con": ("a", ()),
        "trespass": ("a", ()), "poison": ("a", ()), "forge a signature": ("a", ()), "skim": ("a", ()), "sabotage": ("a", ()),
    },
    "extremism": {
        "terrorist": ("a", ("terrorism", "terror attack")), "isis": ("a", ("isil", "islamic state")), "al-qaeda": ("a", ("al qaeda", "al-qaida")),
        "jihad": ("a", ("jihadist",)), "radicalize": ("a", ("radicalise", "radicalization", "radicalisation")), "extremist": ("a", ("extremism",)),
        "nazi": ("a", ("nazis", "neo-nazi", "nazism")), "kkk": ("a", ("ku klux klan",)), "mass shooting": ("a", ("school shooting", "mass shooter")),
        "insurrection": ("a", ("treason", "sedition")), "coup": ("a", ()), "overthrow": ("a", ()), "manifesto": ("a", ()), "martyr": ("a", ("martyrdom",)),
        "suicide bomber": ("h", ("suicide bombing", "suicide vest")), "propaganda": ("a", ()), "recruit": ("a", ()), "militia": ("a", ()),
        "holocaust": ("a", ("the shoah",)), "apartheid": ("a", ()), "slavery": ("a", ("slave trade", "enslave")), "gulag": ("a", ("gulags",)),
        "pogrom": ("a", ()), "khmer rouge": ("a", ()), "third reich": ("a", ()), "hitler": ("a", ("adolf hitler",)), "stalin": ("a", ("joseph stalin",)),
        "pol pot": ("a", ()), "pinochet": ("a", ()), "mussolini": ("a", ()), "mao": ("a", ("mao zedong", "chairman mao")), "idi amin": ("a", ()),
        "bin laden": ("a", ("osama bin laden",)), "jim crow": ("a", ()), "inquisition": ("a", ()), "9/11": ("a", ("september 11",)), "hiroshima": ("a", ("nagasaki",)),
        "junta": ("a", ()), "dictator": ("a", ("dictatorship",)), "regime": ("a", ()),
    },
}

# Protected / commonly targeted groups (for discrimination framing).
GROUPS = frozenset(
    """women woman girls men man boys jews jewish muslims muslim christians christian hindus hindu sikhs sikh buddhists buddhist
    atheists catholics protestants mormons black blacks white whites asians asian latinos latino latinas hispanics hispanic
    arabs arab mexicans mexican africans african indians indian chinese japanese koreans korean immigrants immigrant refugees
    migrants gay gays lesbians lesbian bisexual bisexuals transgender trans queer lgbt lgbtq homosexuals homosexual
    disabled blind deaf autistic elderly old poor roma gypsies gypsy native indigenous aboriginal pakistanis russians
    ukrainians palestinians israelis irish italians germans french poles polish nigerians somalis syrians iranians
    wheelchair users veterans pregnant single mothers divorced obese fat short tall redheads left-handed people
    homeless unemployed benefits welfare asexual asexuals pansexual non-binary nonbinary intersex neurodivergent mentally ill ill
    """.split()
)

ANIMALS = frozenset(
    """dog dogs cat cats puppy puppies kitten kittens pet pets horse horses hamster hamsters rabbit rabbits bird birds parrot
    goldfish fish guinea pig pigs cow cows sheep goat goats chicken chickens deer animal animals snake snakes rat rats mouse mice
    shrimp lobster crab crabs squirrel squirrels raccoon raccoons fox foxes wolf wolves bear bears""".split()
)

# Things that are clearly benign as the object of a violent/technical verb.
BENIGN_OBJECTS = frozenset(
    """process processes thread threads program programs task tasks job jobs app apps application applications server servers
    container containers pod pods script scripts code bug bugs service services daemon session sessions connection connections
    query queries command commands loop function request requests tab tabs window windows terminal shell instance instances vm
    docker kubernetes python java linux windows mac computer pc laptop phone engine motor car-engine
    weeds weed mosquito mosquitoes mosquitos fly flies ants ant cockroach cockroaches roaches roach termites fleas ticks lice bedbugs pests pest
    germs germ bacteria virus viruses mold mould fungus algae rats mice mouse
    lights light lamp music sound noise fire flames candle
    photo photos picture pictures video videos film movie scene scenes footage portrait portraits selfie wedding landscape photograph
    hoop hoops basket baskets goal goals ball puck free-throw three-pointer
    time boredom mood vibe conversation silence
    answer answers solution solutions party parties scene record personal career market music dancefloor deals deal bargains
    garden shed niche path way laughter pipe pipes tack nail nails
    competition competitors presentation presentations interview interviews exam exams test tests audition auditions performance
    stage set gig show speech pitch deadline record records odds heat traffic workout game games level levels boss race
    match tournament quiz
    egg eggs knuckles nut nuts walnut coconut lobster crab fish chicken pig pork beef meat steak onion onions garlic tomatoes
    potatoes vegetables bread dough ice
    code puzzle riddle case mystery problem problems joke jokes smile habit habits addiction cold fever pain headache hunger thirst
    craving cravings cough hiccups
    balloon balloons tire tyre tires tyres tree trees stump stumps branch branches log logs wood bush bushes hedge grass lawn
    rust stain stains odor odour smell dust clutter dirt grease
    deal sale sales market idea ideas plan plans budget expenses costs prices price argument debate essay paper novel story
    cake cookies pie recipe dish dinner meal bottle can cans coke soda drink drinks
    project projects app feature features
    ball dance floor crowd audience mind minds heart socials channel instagram tiktok youtube twitter account business brand startup
    tension stress anxiety fear fears doubt doubts procrastination nerves insomnia
    spreadsheet document file files folder database table row rows column columns branch commit
    """.split()
)

# Harmful targets (people, pets, infrastructure).
PERSON_TARGETS = frozenset(
    """someone somebody anyone anybody person people man woman men women child children kid kids baby babies toddler boy girl
    boys girls teen teenager teenagers neighbor neighbour neighbors neighbours wife husband spouse partner girlfriend boyfriend
    ex ex-wife ex-husband ex-girlfriend ex-boyfriend boss manager coworker co-worker colleague colleagues teacher teachers
    classmate classmates friend friends roommate roommates mom mother dad father parents sister brother son daughter family
    grandma grandmother grandpa grandfather uncle aunt cousin stepdad stepmom landlord tenant stranger strangers enemy enemies
    rival rivals human person's people's grandparent grandparents relative relatives humanity mankind population civilians
    corpse corpses cadaver body bodies date
    skull throat neck artery arteries jugular carotid vein veins wrist wrists windpipe spine cleaner nanny babysitter plumber roofer contractor gardener driver coach therapist
    president senator politician politicians judge cop cops police officer officers soldier soldiers guard guards
    witness witnesses victim victims him her them myself yourself himself herself themselves human humans crowd students
    student worker workers employee employees doctor nurse patient patients customer customers client clients
    neighbor's neighbour's
    """.split()
)

# Places / infrastructure / property: harmful targets unless they are the asker's own
PLACE_TARGETS = frozenset(
    """building buildings house home school schools church mosque synagogue temple hospital bridge plane airplane train bus subway
    station airport stadium office government city town car cars vehicle embassy mall concert base vault casino bank store shop
    museum warehouse pharmacy atm reactor grid dam pipeline courthouse prison jail capitol parliament barracks checkpoint convoy
    nightclub club restaurant hotel factory refinery tower""".split()
)

FICTIONAL_NAMES = frozenset(
    n.lower()
    for n in """Harry Potter|Hermione Granger|Ron Weasley|Albus Dumbledore|Dumbledore|Voldemort|Lord Voldemort|Tom Riddle|Severus Snape|Draco Malfoy|Hagrid|
    Frodo|Frodo Baggins|Bilbo Baggins|Gandalf|Aragorn|Legolas|Gimli|Samwise Gamgee|Gollum|Sauron|Saruman|Sherlock Holmes|Sherlock|John Watson|
    Dr. Watson|Moriarty|James Bond|Batman|Bruce Wayne|Superman|Clark Kent|Lois Lane|Spider-Man|Spiderman|Peter Parker|Tony Stark|Iron Man|
    Captain America|Steve Rogers|Wonder Woman|Diana Prince|Hulk|Bruce Banner|Thor|Loki|Thanos|Black Widow|Natasha Romanoff|Wolverine|Logan|
    Deadpool|Magneto|Joker|the Joker|Harley Quinn|Lex Luthor|Darth Vader|Luke Skywalker|Anakin Skywalker|Han Solo|Princess Leia|Leia|Yoda|
    Obi-Wan Kenobi|Kylo Ren|Mickey Mouse|Donald Duck|Goofy|Homer Simpson|Bart Simpson|Lisa Simpson|Marge Simpson|Mr. Burns|SpongeBob|
    SpongeBob SquarePants|Patrick Star|Mario|Super Mario|Luigi|Princess Peach|Bowser|Link|Zelda|Princess Zelda|Pikachu|Ash Ketchum|Lara Croft|
    Master Chief|Katniss Everdeen|Jay Gatsby|Gatsby|Elizabeth Bennet|Mr. Darcy|Atticus Finch|Holden Caulfield|Captain Ahab|Hercule Poirot|
    Miss Marple|Dracula|Count Dracula|Frankenstein|Indiana Jones|Jack Sparrow|Captain Jack Sparrow|Walter White|Heisenberg|Jesse Pinkman|
    Saul Goodman|Tony Soprano|Don Draper|Jon Snow|Daenerys Targaryen|Tyrion Lannister|Arya Stark|Ned Stark|Cersei Lannister|Rick Grimes|
    Shrek|Elsa|Simba|Winnie the Pooh|Peter Pan|Captain Hook|Cinderella|Snow White|Ariel|Moana|Buzz Lightyear|Woody|Forrest Gump|
    Rocky Balboa|John Wick|Ellen Ripley|Neo|Morpheus|Michael Scott|Dwight Schrute|Ross Geller|Rachel Green|Chandler Bing|Monica Geller|
    Joey Tribbiani|Phoebe Buffay|Sheldon Cooper|Leonard Hofstadter|Ted Mosby|Barney Stinson|Wednesday Addams|Scooby-Doo|Bugs Bunny|
    Garfield|Charlie Brown|Snoopy|Naruto|Goku|Sailor Moon|Geralt of Rivia|Geralt|Kratos|Sonic|Sonic the Hedgehog|Tintin|Asterix|Obelix|
    Paddington|Willy Wonka|Matilda|Alice in Wonderland|Mad Hatter|Robin Hood|King Arthur|Merlin|Hannibal Lecter|Clarice Starling|
    Norman Bates|Freddy Krueger|Jason Voorhees|Michael Myers|Bella Swan|Edward Cullen|Percy Jackson|Optimus Prime|Buffy Summers|
    Dexter Morgan|Marty McFly|Doc Brown|Ferris Bueller|Vito Corleone|Michael Corleone|Don Corleone|Ebenezer Scrooge|Scrooge|
    Oliver Twist|Huckleberry Finn|Tom Sawyer|Jane Eyre|Anne Shirley|Pippi Longstocking|Nemo|Dory|Lightning McQueen|Mulan|Aladdin|
    Rapunzel|Belle|Gaston|Ursula|Maleficent|Kermit the Frog|Kermit|Miss Piggy|Big Bird|Elmo|Cookie Monster|Peppa Pig|Fred Flintstone|
    Popeye|Eric Cartman|Cartman|Rick Sanchez|Morty Smith|BoJack Horseman|Daffy Duck|Stewie Griffin|Peter Griffin|Hank Hill|
    Mary Poppins|Tarzan|Zorro|Conan the Barbarian|Captain Kirk|James T. Kirk|Spock|Jean-Luc Picard|Doctor Who|Dana Scully|Fox Mulder|
    Lisbeth Salander|Jack Reacher|Jason Bourne|Ethan Hunt|Jack Ryan|Nancy Drew|Artemis Fowl|Greg Heffley|Carrie Bradshaw|Olivia Pope|
    Meredith Grey|Gregory House|Dr. House|Heathcliff|Alfred Pennyworth|Robin|Batgirl|Catwoman|Selina Kyle|Wile E. Coyote|Road Runner|
    Tom and Jerry|Sylvester|Tweety|Pinocchio|Gepetto|Sleeping Beauty|Aurora|Pocahontas|Hercules|Tinker Bell|Bambi|Dumbo|Lilo|Stitch|
    Minnie Mouse|Daisy Duck|Scarlett O'Hara|Rhett Butler|Anna Karenina|Jean Valjean|Javert|Quasimodo|Don Quixote|Sancho Panza|
    Gulliver|Robinson Crusoe|Phileas Fogg|Captain Nemo|Dorian Gray|Dr. Jekyll|Mr. Hyde|Lestat|Lucy Pevensie|Aslan|Bilbo|Sam Gamgee|
    Eleven|Jim Hopper|Walter Mitty|Truman Burbank|Patrick Bateman|Tyler Durden|Travis Bickle|Hans Gruber|John McClane|Rambo|
    Terminator|the Terminator|Sarah Connor|Marge|Homer|Bart|Ned Flanders|Kenny McCormick|Stan Marsh|Kyle Broflovski|Jerry Seinfeld's character|
    Kramer|Cosmo Kramer|George Costanza|Elaine Benes|Leslie Knope|Ron Swanson|Jim Halpert|Pam Beesly|Ted Lasso|Walter White Jr.|
    Lara|Solid Snake|Cloud Strife|Samus Aran|Kirby|Donkey Kong|Pac-Man|Ezio Auditore|Arthur Morgan|Nathan Drake|Joel Miller|Ellie Williams""".replace("\n", "").split("|")
)
FICTIONAL_NAMES = frozenset(n.strip() for n in FICTIONAL_NAMES if n.strip())
