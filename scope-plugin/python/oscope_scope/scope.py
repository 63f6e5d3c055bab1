"""The scope itself: parsing, validation, defaults and the wire format.

This module depends on the standard library only, so that it can be tested
(and reasoned about) without the OpenStack client stack.

A scope maps an OpenStack service type to the name of the cloud that must
serve it, e.g. ``{"compute": "CloudOne", "image": "CloudTwo"}``, or to a
cloud expression composing names with ``&`` (all of them) and ``|`` (the
first that answers), e.g. ``"CloudOne | CloudTwo"``: see
:func:`parse_expression`.  On the wire it travels in two places, both
carrying the same compact JSON text:

* the ``X-Scope`` header, whose value is the compact JSON itself;
* the ``X-Auth-Token`` header, as ``<token>!SCOPE!<compact JSON>``.
"""

import json
import re

#: Service types that are always present in the scope that is sent.
WELL_KNOWN_SERVICE_TYPES = (
    'identity',
    'compute',
    'image',
    'network',
    'placement',
    'volume',
    'volumev3',
    'object-store',
    'orchestration',
    'key-manager',
    'load-balancer',
    'dns',
    'baremetal',
    'share',
    'metric',
    'alarming',
)

SCOPE_HEADER = 'X-Scope'
TOKEN_HEADER = 'X-Auth-Token'
TOKEN_SEPARATOR = '!SCOPE!'

#: Environment variable holding the default for ``--os-scope``.
SCOPE_ENV = 'OS_SCOPE'
#: Prefix of the per-service environment variables (``OS_SCOPE_IMAGE``...).
SCOPE_ENV_PREFIX = 'OS_SCOPE_'

MAX_NAME_LENGTH = 64

# RFC 7230, section 3.2.6: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*"
#   / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
# but "&" and "|", which compose clouds in cloud expressions.
_NAME_CHARS = frozenset(
    "!#$%'*+-.^_`~0123456789abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_TOKEN_RE = re.compile(
    r"[!#$%'*+\-.^_`~0-9A-Za-z]{1," + str(MAX_NAME_LENGTH) + "}")

_ALLOWED = "letters, digits and !#$%'*+-.^_`~"

#: Deepest nesting of parentheses in a cloud expression (as in the proxy).
MAX_EXPRESSION_DEPTH = 16


def _why_invalid(value):
    if value == '':
        return 'it is empty'
    if len(value) > MAX_NAME_LENGTH:
        return 'it is longer than %d characters' % MAX_NAME_LENGTH
    for c in value:
        if c in '&|()':
            return ("it may not contain '%s': &, |, ( and ) compose cloud"
                    " expressions in scopes" % c)
    return 'it may only contain ' + _ALLOWED


class ScopeError(ValueError):
    """A scope given by the user is not valid.

    The message is a single line that names where the bad value came from
    (``--os-scope``, ``OS_SCOPE``, ``OS_SCOPE_IMAGE``...).
    """


class ExpressionError(ValueError):
    """A cloud expression is malformed.

    The message is the proxy's, word for word: ``at position <N>: <problem>``
    with N the 0-based offset of the problem in the expression.
    """


class Cloud(tuple):
    """One cloud of a cloud expression: ``Cloud(('CloudOne',))``."""

    def __str__(self):
        return self[0]


class AnyOf(tuple):
    """``a | b | ...``: the alternatives, tried in order."""

    def __str__(self):
        return ' | '.join(str(e) for e in self)


class AllOf(tuple):
    """``a & b & ...``: every operand at once."""

    def __str__(self):
        return ' & '.join('(' + str(e) + ')' if isinstance(e, AnyOf) else str(e)
                          for e in self)


def clouds(expression):
    """The cloud names of an expression, in the order of its text."""
    if isinstance(expression, Cloud):
        return [expression[0]]
    return [name for part in expression for name in clouds(part)]


def _describe(c):
    if ' ' <= c < '\x7f':
        return "'%s'" % c
    return 'character U+%04X' % ord(c)


class _ExpressionParser(object):
    """Mirror of the proxy's CloudExpressionParser, message for message.

    expression = term *( "|" term ); term = factor *( "&" factor );
    factor = name / "(" expression ")"; spaces and tabs between tokens.
    """

    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.depth = 0
        self.seen = set()

    def fail(self, position, problem):
        raise ExpressionError('at position %d: %s' % (position, problem))

    def unexpected(self, expected):
        found = ('the end' if self.pos >= len(self.text)
                 else _describe(self.text[self.pos]))
        self.fail(self.pos, 'expected %s but found %s' % (expected, found))

    def skip_space(self):
        while self.pos < len(self.text) and self.text[self.pos] in ' \t':
            self.pos += 1

    def peek(self):
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ''

    def expression(self):
        parts = [self.term()]
        while self.peek() == '|':
            self.pos += 1
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else AnyOf(_flatten(parts, AnyOf))

    def term(self):
        parts = [self.factor()]
        while self.peek() == '&':
            self.pos += 1
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else AllOf(_flatten(parts, AllOf))

    def factor(self):
        self.skip_space()
        start = self.pos
        if self.pos < len(self.text) and self.text[self.pos] == '(':
            self.depth += 1
            if self.depth > MAX_EXPRESSION_DEPTH:
                self.fail(start, 'parentheses nested deeper than %d'
                          % MAX_EXPRESSION_DEPTH)
            self.pos += 1
            inner = self.expression()
            if self.peek() != ')':
                self.unexpected("'&', '|' or ')'")
            self.pos += 1
            self.depth -= 1
            self.skip_space()
            return inner
        while (self.pos < len(self.text)
               and self.text[self.pos] in _NAME_CHARS):
            self.pos += 1
        if self.pos == start:
            self.unexpected("a cloud name or '('")
        if self.pos - start > MAX_NAME_LENGTH:
            self.fail(start, 'a cloud name is longer than %d characters'
                      % MAX_NAME_LENGTH)
        name = self.text[start:self.pos]
        if name in self.seen:
            self.fail(start, "cloud '%s' is named twice" % name)
        self.seen.add(name)
        self.skip_space()
        return Cloud((name,))


def _flatten(parts, kind):
    flat = []
    for part in parts:
        flat.extend(part if isinstance(part, kind) else [part])
    return flat


def parse_expression(text):
    """Parse a cloud expression: names, ``&``, ``|``, parentheses, spaces.

    ``&`` binds tighter than ``|``; nested operators of one kind are
    flattened; a cloud may be named once.  ``str()`` of the result is the
    canonical text (single spaces around operators, parentheses only where
    needed), the same as the proxy's.

    :raises ExpressionError: ``at position <N>: expected ... but found ...``
    """
    parser = _ExpressionParser(text)
    result = parser.expression()
    if parser.pos < len(text):
        parser.unexpected("'&', '|' or the end")
    return result


def canonical_expression(text):
    """The canonical text of a cloud expression (a plain name as it is)."""
    if is_valid_name(text):
        return text
    return str(parse_expression(text))


def is_valid_name(value):
    """Whether ``value`` is a valid service type or cloud name."""
    return isinstance(value, str) and _TOKEN_RE.fullmatch(value) is not None


def _show(value, limit=70):
    """Quote a user value for an error message, on one line."""
    text = json.dumps(value)
    if len(text) > limit:
        text = text[:limit] + '...'
    return text


def _json_type(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, list):
        return 'an array'
    return 'an object'


def check_service_type(service_type, source):
    if not is_valid_name(service_type):
        raise ScopeError('%s: invalid service type %s: %s'
                         % (source, _show(service_type),
                            _why_invalid(service_type)))


def check_cloud_name(cloud, service_type, source):
    """Check the cloud (or cloud expression) of a service type.

    :returns: its canonical text.
    """
    if not isinstance(cloud, str):
        raise ScopeError('%s: the cloud of service type %s must be a string,'
                         ' not %s' % (source, _show(service_type),
                                      _json_type(cloud)))
    try:
        return canonical_expression(cloud)
    except ExpressionError as exc:
        raise ScopeError('%s: invalid cloud expression %s for service type'
                         ' %s: %s' % (source, _show(cloud),
                                      _show(service_type), exc)) from None


def _reject_duplicates(pairs, source):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ScopeError('%s: service type %s is given twice'
                             % (source, _show(key)))
        result[key] = value
    return result


def parse_scope_json(text, source='--os-scope'):
    """Parse and validate the JSON text of a scope.

    :returns: a dict mapping service type to cloud name or the canonical
        text of a cloud expression.
    :raises ScopeError: on invalid JSON, a non-object, a non-string value,
        an invalid service type or cloud expression, or a repeated key.
    """
    try:
        value = json.loads(
            text, object_pairs_hook=lambda p: _reject_duplicates(p, source))
    except ScopeError:
        raise
    except ValueError as exc:
        raise ScopeError('%s: invalid JSON: %s' % (source, exc)) from None
    if not isinstance(value, dict):
        raise ScopeError('%s: the scope must be a JSON object mapping service'
                         ' types to cloud names, not %s'
                         % (source, _json_type(value)))
    for service_type, cloud in value.items():
        check_service_type(service_type, source)
        value[service_type] = check_cloud_name(cloud, service_type, source)
    return value


def env_name(service_type):
    """The environment variable naming the default cloud of a service."""
    return SCOPE_ENV_PREFIX + service_type.upper().replace('-', '_')


def scope_from_env(environ):
    """Per-service defaults from ``OS_SCOPE_<TYPE>`` variables.

    ``<TYPE>`` is the service type upper-cased with ``-`` written ``_``, so
    the service type of a variable is its suffix lower-cased with ``_``
    written ``-`` (``OS_SCOPE_OBJECT_STORE`` -> ``object-store``).  Empty
    variables count as unset.
    """
    result = {}
    for name in sorted(environ):
        if not name.startswith(SCOPE_ENV_PREFIX):
            continue
        cloud = environ[name]
        if cloud == '':
            continue
        service_type = name[len(SCOPE_ENV_PREFIX):].lower().replace('_', '-')
        check_service_type(service_type, name)
        result[service_type] = check_cloud_name(cloud, service_type, name)
    return result


def scope_requested(environ, cli_value=None):
    """Whether the user asked for a scope at all.

    True when ``--os-scope`` was given, or ``OS_SCOPE`` or any
    ``OS_SCOPE_<TYPE>`` variable is set to a non-empty value.
    """
    if cli_value is not None:
        return True
    return any(value != '' for name, value in environ.items()
               if name == SCOPE_ENV or name.startswith(SCOPE_ENV_PREFIX))


def merge(explicit, env_defaults):
    """Explicit entries win over the ``OS_SCOPE_<TYPE>`` defaults."""
    result = dict(env_defaults)
    result.update(explicit)
    return result


def complete(given, region_name):
    """The scope to send: ``given`` plus the user's own cloud as default.

    Every well-known service type missing from ``given`` is mapped to
    ``region_name`` (the user's own cloud).  Without a region name such types
    are left out.  Entries of other service types are kept as they are.

    :raises ScopeError: if the region name is needed but is not a valid
        cloud name.
    """
    scope = dict(given)
    if region_name:
        missing = [t for t in WELL_KNOWN_SERVICE_TYPES if t not in scope]
        if missing:
            if not is_valid_name(region_name):
                raise ScopeError(
                    'region name %s (--os-region-name/OS_REGION_NAME) cannot'
                    ' be the default cloud of the scope: %s'
                    % (_show(region_name), _why_invalid(region_name)))
            for service_type in missing:
                scope[service_type] = region_name
    return scope


def encode(scope):
    """The compact JSON text that goes on the wire."""
    return json.dumps(scope, separators=(',', ':'), sort_keys=True)


def scoped_token(token, encoded_scope):
    """``token`` with the scope suffix, added once only."""
    if TOKEN_SEPARATOR in token:
        return token
    return token + TOKEN_SEPARATOR + encoded_scope


def scoped_auth_headers(headers, encoded_scope):
    """A copy of an auth plugin's headers with the token suffixed (once)."""
    if not headers or not headers.get(TOKEN_HEADER):
        return headers
    result = dict(headers)
    result[TOKEN_HEADER] = scoped_token(result[TOKEN_HEADER], encoded_scope)
    return result
