"""The ``__init__`` of each class made by records.dataclass, one builder a class,
keyed by the class and its spec (frozen, __post_init__, each field's default kind).
Written by `python -m ana_story.recordgen`; do not edit."""
# fmt: off


def _0(_s, _F, _d):  # ana_story.engine.ChoiceView
    def __init__(self, index, key, text, available, reason=_d[0]):
        _s(self, 'index', index)
        _s(self, 'key', key)
        _s(self, 'text', text)
        _s(self, 'available', available)
        _s(self, 'reason', reason)
    return __init__

def _1(_s, _F, _d):  # ana_story.engine.Passage
    def __init__(self, scene, title, chapter, text, choices, ending, tags, turn):
        self.scene = scene
        self.title = title
        self.chapter = chapter
        self.text = text
        self.choices = choices
        self.ending = ending
        self.tags = tags
        self.turn = turn
    return __init__

def _2(_s, _F, _d):  # ana_story.engine.Replied
    def __init__(self, scene, title, chapter, text, choices, ending, tags, turn, reply=_d[0],
            stayed=_d[1], returned=_d[2]):
        self.scene = scene
        self.title = title
        self.chapter = chapter
        self.text = text
        self.choices = choices
        self.ending = ending
        self.tags = tags
        self.turn = turn
        self.reply = reply
        self.stayed = stayed
        self.returned = returned
    return __init__

def _3(_s, _F, _d):  # ana_story.errors.Diagnostic
    def __init__(self, file, line, column, code, message, hint=_d[0], severity=_d[1]):
        _s(self, 'file', file)
        _s(self, 'line', line)
        _s(self, 'column', column)
        _s(self, 'code', code)
        _s(self, 'message', message)
        _s(self, 'hint', hint)
        _s(self, 'severity', severity)
    return __init__

def _4(_s, _F, _d):  # ana_story.expressions.compiled.Env
    _f_cache = _d[2]
    _f_lists = _d[3]
    _f_taken = _d[4]
    _f_functions = _d[5]
    _f_snippets = _d[6]
    _f_drawn = _d[10]
    def __init__(self, variables, scenes=_d[0], next_site=_d[1], cache=_F, lists=_F, taken=_F,
            functions=_F, snippets=_F, scene=_d[7], part=_d[8], shown=_d[9], drawn=_F,
            count=_d[11]):
        self.variables = variables
        self.scenes = scenes
        self.next_site = next_site
        self.cache = _f_cache() if cache is _F else cache
        self.lists = _f_lists() if lists is _F else lists
        self.taken = _f_taken() if taken is _F else taken
        self.functions = _f_functions() if functions is _F else functions
        self.snippets = _f_snippets() if snippets is _F else snippets
        self.scene = scene
        self.part = part
        self.shown = shown
        self.drawn = _f_drawn() if drawn is _F else drawn
        self.count = count
    return __init__

def _5(_s, _F, _d):  # ana_story.expressions.compiled.Expr
    def __init__(self, source, type, fn, reads=_d[0], scenes=_d[1], constant=_d[2], site0=_d[3],
            where=_d[4], tree=_d[5], place=_d[6]):
        _s(self, 'source', source)
        _s(self, 'type', type)
        _s(self, 'fn', fn)
        _s(self, 'reads', reads)
        _s(self, 'scenes', scenes)
        _s(self, 'constant', constant)
        _s(self, 'site0', site0)
        _s(self, 'where', where)
        _s(self, 'tree', tree)
        _s(self, 'place', place)
    return __init__

def _6(_s, _F, _d):  # ana_story.expressions.compiled.Place
    def __init__(self, scene=_d[0], part=_d[1], drawn=_d[2], shown=_d[3]):
        _s(self, 'scene', scene)
        _s(self, 'part', part)
        _s(self, 'drawn', drawn)
        _s(self, 'shown', shown)
    return __init__

def _7(_s, _F, _d):  # ana_story.expressions.compiled.Template
    def __init__(self, source, const, fn=_d[0], reads=_d[1], scenes=_d[2], site0=_d[3],
            where=_d[4], marks=_d[5], mark_wheres=_d[6], trees=_d[7], place=_d[8]):
        _s(self, 'source', source)
        _s(self, 'const', const)
        _s(self, 'fn', fn)
        _s(self, 'reads', reads)
        _s(self, 'scenes', scenes)
        _s(self, 'site0', site0)
        _s(self, 'where', where)
        _s(self, 'marks', marks)
        _s(self, 'mark_wheres', mark_wheres)
        _s(self, 'trees', trees)
        _s(self, 'place', place)
    return __init__

def _8(_s, _F, _d):  # ana_story.expressions.functions.FunctionBody
    def __init__(self, name, params, type, tree, author, uses, reads, scenes, pure, where,
            size):
        _s(self, 'name', name)
        _s(self, 'params', params)
        _s(self, 'type', type)
        _s(self, 'tree', tree)
        _s(self, 'author', author)
        _s(self, 'uses', uses)
        _s(self, 'reads', reads)
        _s(self, 'scenes', scenes)
        _s(self, 'pure', pure)
        _s(self, 'where', where)
        _s(self, 'size', size)
    return __init__

def _9(_s, _F, _d):  # ana_story.expressions.snippets.SnippetText
    def __init__(self, name, params, source, variables, where=_d[0]):
        _s(self, 'name', name)
        _s(self, 'params', params)
        _s(self, 'source', source)
        _s(self, 'variables', variables)
        _s(self, 'where', where)
    return __init__

def _10(_s, _F, _d):  # ana_story.model.Chapter
    def __init__(self, title, file, scenes):
        _s(self, 'title', title)
        _s(self, 'file', file)
        _s(self, 'scenes', scenes)
    return __init__

def _11(_s, _F, _d):  # ana_story.model.Choice
    def __init__(self, key, index, text, goto, condition=_d[0], effects=_d[1], once=_d[2],
            fallback=_d[3], locked=_d[4], where=_d[5], reply=_d[6], stay=_d[7], counted=_d[8]):
        _s(self, 'key', key)
        _s(self, 'index', index)
        _s(self, 'text', text)
        _s(self, 'goto', goto)
        _s(self, 'condition', condition)
        _s(self, 'effects', effects)
        _s(self, 'once', once)
        _s(self, 'fallback', fallback)
        _s(self, 'locked', locked)
        _s(self, 'where', where)
        _s(self, 'reply', reply)
        _s(self, 'stay', stay)
        _s(self, 'counted', counted)
    return __init__

def _12(_s, _F, _d):  # ana_story.model.Function
    def __init__(self, name, params, source, where=_d[0]):
        _s(self, 'name', name)
        _s(self, 'params', params)
        _s(self, 'source', source)
        _s(self, 'where', where)
    return __init__

def _13(_s, _F, _d):  # ana_story.model.Goto
    def __init__(self, routes, random=_d[0], site=_d[1], kind=_d[2]):
        _s(self, 'routes', routes)
        _s(self, 'random', random)
        _s(self, 'site', site)
        _s(self, 'kind', kind)
    return __init__

def _14(_s, _F, _d):  # ana_story.model.Location
    def __init__(self, file, line, column):
        _s(self, 'file', file)
        _s(self, 'line', line)
        _s(self, 'column', column)
    return __init__

def _15(_s, _F, _d):  # ana_story.model.Route
    def __init__(self, scene, condition=_d[0], weight=_d[1], where=_d[2]):
        _s(self, 'scene', scene)
        _s(self, 'condition', condition)
        _s(self, 'weight', weight)
        _s(self, 'where', where)
    return __init__

def _16(_s, _F, _d):  # ana_story.model.Scene
    def __init__(self, id, title, chapter, text, choices=_d[0], tags=_d[1], ending=_d[2],
            notes=_d[3], where=_d[4], title_template=_d[5], enter=_d[6], next=_d[7], let=_d[8],
            draws=_d[9]):
        _s(self, 'id', id)
        _s(self, 'title', title)
        _s(self, 'chapter', chapter)
        _s(self, 'text', text)
        _s(self, 'choices', choices)
        _s(self, 'tags', tags)
        _s(self, 'ending', ending)
        _s(self, 'notes', notes)
        _s(self, 'where', where)
        _s(self, 'title_template', title_template)
        _s(self, 'enter', enter)
        _s(self, 'next', next)
        _s(self, 'let', let)
        _s(self, 'draws', draws)
    return __init__

def _17(_s, _F, _d):  # ana_story.model.Snippet
    def __init__(self, name, params, source, where=_d[0]):
        _s(self, 'name', name)
        _s(self, 'params', params)
        _s(self, 'source', source)
        _s(self, 'where', where)
    return __init__

def _18(_s, _F, _d):  # ana_story.model.Stat
    def __init__(self, kind, variable, label, labels=_d[0], low=_d[1], high=_d[2],
            condition=_d[3], where=_d[4]):
        _s(self, 'kind', kind)
        _s(self, 'variable', variable)
        _s(self, 'label', label)
        _s(self, 'labels', labels)
        _s(self, 'low', low)
        _s(self, 'high', high)
        _s(self, 'condition', condition)
        _s(self, 'where', where)
    return __init__

def _19(_s, _F, _d):  # ana_story.model.Story
    _f_renamed = _d[1]
    def __init__(self, id, title, author, version, start, variables, scenes, chapters,
            root=_d[0], renamed=_F, save_fingerprint=_d[2], ifid=_d[3], description=_d[4],
            language=_d[5], stats=_d[6], entering=_d[7], talks=_d[8], framed=_d[9],
            timed=_d[10], functions=_d[11], snippets=_d[12]):
        _s(self, 'id', id)
        _s(self, 'title', title)
        _s(self, 'author', author)
        _s(self, 'version', version)
        _s(self, 'start', start)
        _s(self, 'variables', variables)
        _s(self, 'scenes', scenes)
        _s(self, 'chapters', chapters)
        _s(self, 'root', root)
        _s(self, 'renamed', _f_renamed() if renamed is _F else renamed)
        _s(self, 'save_fingerprint', save_fingerprint)
        _s(self, 'ifid', ifid)
        _s(self, 'description', description)
        _s(self, 'language', language)
        _s(self, 'stats', stats)
        _s(self, 'entering', entering)
        _s(self, 'talks', talks)
        _s(self, 'framed', framed)
        _s(self, 'timed', timed)
        _s(self, 'functions', functions)
        _s(self, 'snippets', snippets)
    return __init__

def _20(_s, _F, _d):  # ana_story.model.Variable
    def __init__(self, name, initial, type, label, visible, where=_d[0], items=_d[1],
            labels=_d[2], one=_d[3], exact=_d[4]):
        _s(self, 'name', name)
        _s(self, 'initial', initial)
        _s(self, 'type', type)
        _s(self, 'label', label)
        _s(self, 'visible', visible)
        _s(self, 'where', where)
        _s(self, 'items', items)
        _s(self, 'labels', labels)
        _s(self, 'one', one)
        _s(self, 'exact', exact)
        self.__post_init__()
    return __init__

def _21(_s, _F, _d):  # ana_story.state.Frame
    def __init__(self, scene, choice, let=_d[0], began=_d[1]):
        _s(self, 'scene', scene)
        _s(self, 'choice', choice)
        _s(self, 'let', let)
        _s(self, 'began', began)
    return __init__

def _22(_s, _F, _d):  # ana_story.state.State
    _f_variables = _d[0]
    _f_visits = _d[1]
    _f_taken = _d[6]
    def __init__(self, scene, variables=_F, visits=_F, once=_d[2], path=_d[3], turn=_d[4],
            seed=_d[5], taken=_F, reply=_d[7], let=_d[8], began=_d[9], stack=_d[10],
            entered=_d[11], dice=_d[12]):
        self.scene = scene
        self.variables = _f_variables() if variables is _F else variables
        self.visits = _f_visits() if visits is _F else visits
        self.once = once
        self.path = path
        self.turn = turn
        self.seed = seed
        self.taken = _f_taken() if taken is _F else taken
        self.reply = reply
        self.let = let
        self.began = began
        self.stack = stack
        self.entered = entered
        self.dice = dice
    return __init__

def _23(_s, _F, _d):  # ana_story.state.Step
    def __init__(self, choice, scene):
        _s(self, 'choice', choice)
        _s(self, 'scene', scene)
    return __init__


INITS = {
    'ana_story.engine.ChoiceView': (_0, 'frozen - index key text available reason='),
    'ana_story.engine.Passage': (_1, 'plain - scene title chapter text choices ending tags turn'),
    'ana_story.engine.Replied': (_2,
        'plain - scene title chapter text choices ending tags turn reply= stayed= returned='
    ),
    'ana_story.errors.Diagnostic': (_3, 'frozen - file line column code message hint= severity='),
    'ana_story.expressions.compiled.Env': (_4,
        'plain - variables scenes= next_site= cache=() lists=() taken=() functions=() '
        'snippets=() scene= part= shown= drawn=() count='
    ),
    'ana_story.expressions.compiled.Expr': (_5,
        'frozen - source type fn reads= scenes= constant= site0= where= tree= place='
    ),
    'ana_story.expressions.compiled.Place': (_6, 'frozen - scene= part= drawn= shown='),
    'ana_story.expressions.compiled.Template': (_7,
        'frozen - source const fn= reads= scenes= site0= where= marks= mark_wheres= trees= '
        'place='
    ),
    'ana_story.expressions.functions.FunctionBody': (_8,
        'frozen - name params type tree author uses reads scenes pure where size'
    ),
    'ana_story.expressions.snippets.SnippetText': (_9,
        'frozen - name params source variables where='
    ),
    'ana_story.model.Chapter': (_10, 'frozen - title file scenes'),
    'ana_story.model.Choice': (_11,
        'frozen - key index text goto condition= effects= once= fallback= locked= where= '
        'reply= stay= counted='
    ),
    'ana_story.model.Function': (_12, 'frozen - name params source where='),
    'ana_story.model.Goto': (_13, 'frozen - routes random= site= kind='),
    'ana_story.model.Location': (_14, 'frozen - file line column'),
    'ana_story.model.Route': (_15, 'frozen - scene condition= weight= where='),
    'ana_story.model.Scene': (_16,
        'frozen - id title chapter text choices= tags= ending= notes= where= title_template= '
        'enter= next= let= draws='
    ),
    'ana_story.model.Snippet': (_17, 'frozen - name params source where='),
    'ana_story.model.Stat': (_18,
        'frozen - kind variable label labels= low= high= condition= where='
    ),
    'ana_story.model.Story': (_19,
        'frozen - id title author version start variables scenes chapters root= renamed=() '
        'save_fingerprint= ifid= description= language= stats= entering= talks= framed= '
        'timed= functions= snippets='
    ),
    'ana_story.model.Variable': (_20,
        'frozen post name initial type label visible where= items= labels= one= exact='
    ),
    'ana_story.state.Frame': (_21, 'frozen - scene choice let= began='),
    'ana_story.state.State': (_22,
        'plain - scene variables=() visits=() once= path= turn= seed= taken=() reply= let= '
        'began= stack= entered= dice='
    ),
    'ana_story.state.Step': (_23, 'frozen - choice scene'),
}
