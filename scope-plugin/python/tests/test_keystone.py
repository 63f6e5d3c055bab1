"""Unit tests of the keystoneauth1 wiring (oscope_scope.keystone).

A real keystoneauth1 Session and v3 password plugin talk to a fake requests
transport: nothing leaves the process.
"""

import contextlib
import io
import json
import types
import unittest
import urllib.parse

from oscope_scope import keystone
from oscope_scope import scope

try:
    import requests
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3
except ImportError:  # pragma: no cover - the CLI stack is not installed
    requests = None

AUTH_URL = 'http://keystone.test/v3'
IMAGE_URL = 'http://glance.test'
SCOPE = {'identity': 'CloudOne', 'image': 'CloudTwo'}
ENCODED = '{"identity":"CloudOne","image":"CloudTwo"}'


def token_body(token_id):
    endpoints = {
        'identity': AUTH_URL,
        'image': IMAGE_URL,
    }
    catalog = [
        {'type': service_type, 'id': service_type, 'name': service_type,
         'endpoints': [{'id': service_type + '-public', 'interface': 'public',
                        'region': 'CloudOne', 'region_id': 'CloudOne',
                        'url': url}]}
        for service_type, url in endpoints.items()
    ]
    return {'token': {
        'methods': ['password'],
        'expires_at': '2099-01-01T00:00:00.000000Z',
        'issued_at': '2020-01-01T00:00:00.000000Z',
        'user': {'id': 'uid', 'name': 'u',
                 'domain': {'id': 'default', 'name': 'Default'}},
        'project': {'id': 'pid', 'name': 'p',
                    'domain': {'id': 'default', 'name': 'Default'}},
        'roles': [{'id': 'rid', 'name': 'member'}],
        'catalog': catalog,
        'audit_ids': [token_id],
    }}


if requests is not None:
    class FakeTransport(requests.adapters.BaseAdapter):
        """Answers like Keystone and Glance; records every request."""

        def __init__(self, unauthorized=0):
            super().__init__()
            self.sent = []
            self.issued = 0
            self.unauthorized = unauthorized

        def send(self, request, **kwargs):
            self.sent.append(request)
            path = urllib.parse.urlsplit(request.url).path
            headers = {'Content-Type': 'application/json'}
            if request.method == 'POST' and path == '/v3/auth/tokens':
                self.issued += 1
                token = 'token-%d' % self.issued
                headers['X-Subject-Token'] = token
                status, body = 201, token_body(token)
            elif self.unauthorized:
                self.unauthorized -= 1
                status, body = 401, {'error': {'code': 401}}
            else:
                status, body = 200, {'images': []}
            response = requests.Response()
            response.status_code = status
            response.headers = requests.structures.CaseInsensitiveDict(
                headers)
            response._content = json.dumps(body).encode()
            response.encoding = 'utf-8'
            response.url = request.url
            response.request = request
            return response

        def close(self):
            pass


@unittest.skipIf(requests is None, 'keystoneauth1 is not installed')
class SessionTest(unittest.TestCase):

    def make_session(self, unauthorized=0):
        self.transport = FakeTransport(unauthorized)
        http = requests.Session()
        http.mount('http://', self.transport)
        self.auth = v3.Password(
            auth_url=AUTH_URL, username='u', password='p',
            project_name='p', user_domain_name='Default',
            project_domain_name='Default')
        return ks_session.Session(auth=self.auth, session=http)

    def sent(self, method, path):
        return [r for r in self.transport.sent
                if r.method == method
                and urllib.parse.urlsplit(r.url).path == path]

    def test_every_request_carries_the_scope(self):
        session = self.make_session()
        keystone.apply_scope(session, SCOPE)
        session.get(IMAGE_URL + '/v2/images')
        session.get(IMAGE_URL + '/v2/images')
        self.assertEqual(3, len(self.transport.sent))
        for request in self.transport.sent:
            self.assertEqual(ENCODED, request.headers['X-Scope'])

    def test_auth_request_has_x_scope_and_no_token(self):
        session = self.make_session()
        keystone.apply_scope(session, SCOPE)
        session.get(IMAGE_URL + '/v2/images')
        [auth_request] = self.sent('POST', '/v3/auth/tokens')
        self.assertEqual(ENCODED, auth_request.headers['X-Scope'])
        self.assertNotIn('X-Auth-Token', auth_request.headers)

    def test_token_gets_the_suffix_once(self):
        session = self.make_session()
        keystone.apply_scope(session, SCOPE)
        keystone.apply_scope(session, SCOPE)  # idempotent
        session.get(IMAGE_URL + '/v2/images')
        session.get(IMAGE_URL + '/v2/images')
        for request in self.sent('GET', '/v2/images'):
            self.assertEqual('token-1!SCOPE!' + ENCODED,
                             request.headers['X-Auth-Token'])
            self.assertEqual(1, request.headers['X-Auth-Token']
                             .count('!SCOPE!'))
        self.assertIsInstance(session.auth, keystone.ScopedAuth)
        self.assertIs(self.auth, session.auth.wrapped_auth)

    def test_the_token_is_stored_as_keystone_returned_it(self):
        session = self.make_session()
        keystone.apply_scope(session, SCOPE)
        session.get(IMAGE_URL + '/v2/images')
        self.assertEqual('token-1', self.auth.auth_ref.auth_token)
        self.assertEqual('token-1', session.auth.get_token(session))
        self.assertEqual('token-1!SCOPE!' + ENCODED,
                         session.get_auth_headers()['X-Auth-Token'])

    def test_reauthentication_after_401(self):
        session = self.make_session(unauthorized=1)
        keystone.apply_scope(session, SCOPE)
        session.get(IMAGE_URL + '/v2/images')
        gets = self.sent('GET', '/v2/images')
        self.assertEqual(['token-1!SCOPE!' + ENCODED,
                          'token-2!SCOPE!' + ENCODED],
                         [r.headers['X-Auth-Token'] for r in gets])
        self.assertEqual('token-2', self.auth.auth_ref.auth_token)

    def test_endpoint_lookup_goes_through_the_wrapper(self):
        session = self.make_session()
        keystone.apply_scope(session, SCOPE)
        response = session.get('/v2/images',
                               endpoint_filter={'service_type': 'image',
                                                'interface': 'public'})
        self.assertEqual(IMAGE_URL + '/v2/images', response.url)
        self.assertEqual('pid', session.get_project_id())

    def test_a_new_scope_replaces_the_old_one(self):
        session = self.make_session()
        keystone.apply_scope(session, {'image': 'A'})
        keystone.apply_scope(session, {'image': 'B'})
        session.get(IMAGE_URL + '/v2/images')
        [get] = self.sent('GET', '/v2/images')
        self.assertEqual('{"image":"B"}', get.headers['X-Scope'])
        self.assertEqual('token-1!SCOPE!{"image":"B"}',
                         get.headers['X-Auth-Token'])

    def test_unscoped_session_sends_nothing_extra(self):
        session = self.make_session()
        session.get(IMAGE_URL + '/v2/images')
        for request in self.transport.sent:
            self.assertNotIn('X-Scope', request.headers)
        [get] = self.sent('GET', '/v2/images')
        self.assertEqual('token-1', get.headers['X-Auth-Token'])

    def test_unauthenticated_requests_carry_x_scope_only(self):
        session = self.make_session()
        keystone.apply_scope(session, SCOPE)
        session.get(IMAGE_URL + '/', authenticated=False)
        [request] = self.transport.sent
        self.assertEqual(ENCODED, request.headers['X-Scope'])
        self.assertNotIn('X-Auth-Token', request.headers)

    def test_session_without_auth(self):
        session = ks_session.Session()
        keystone.apply_scope(session, SCOPE)
        self.assertIsNone(session.auth)
        self.assertEqual(ENCODED, session.additional_headers['X-Scope'])


class ScopedAuthTest(unittest.TestCase):
    """The wrapper delegates everything but get_headers."""

    class Plugin(object):
        auth_ref = None

        def get_headers(self, session, **kwargs):
            return {'X-Auth-Token': 'tok'}

        def invalidate(self):
            return 'invalidated'

    def test_attributes_are_delegated(self):
        inner = self.Plugin()
        wrapper = keystone.ScopedAuth(inner, '{}')
        wrapper.auth_ref = 'ref'  # what osc-lib's shell does
        self.assertEqual('ref', inner.auth_ref)
        self.assertEqual('ref', wrapper.auth_ref)
        self.assertEqual('invalidated', wrapper.invalidate())
        wrapper.encoded_scope = '{"a":"b"}'
        self.assertFalse(hasattr(inner, 'encoded_scope'))
        self.assertEqual({'X-Auth-Token': 'tok!SCOPE!{"a":"b"}'},
                         wrapper.get_headers(None))
        with self.assertRaises(AttributeError):
            wrapper.missing_attribute


class VendorHookTest(unittest.TestCase):

    def connection(self, given, region_name='CloudOne'):
        config = {}
        if given is not None:
            config[keystone.OPTION_DEST] = given
        session = types.SimpleNamespace(additional_headers={}, auth=None)
        return types.SimpleNamespace(
            config=types.SimpleNamespace(config=config,
                                         region_name=region_name),
            session=session)

    def test_hook_applies_the_complete_scope(self):
        conn = self.connection((('image', 'CloudTwo'),))
        keystone.vendor_hook(conn)
        sent = json.loads(conn.session.additional_headers['X-Scope'])
        self.assertEqual(scope.complete({'image': 'CloudTwo'}, 'CloudOne'),
                         sent)

    def test_hook_is_inert_without_scope(self):
        conn = self.connection(None)
        keystone.vendor_hook(conn)
        self.assertEqual({}, conn.session.additional_headers)

    def test_invalid_region_exits_with_status_2(self):
        conn = self.connection((), region_name='Region One')
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            with self.assertRaises(SystemExit) as ctx:
                keystone.vendor_hook(conn)
        self.assertEqual(2, ctx.exception.code)
        self.assertEqual(1, stderr.getvalue().count('\n'))
        self.assertIn('"Region One"', stderr.getvalue())
        self.assertEqual({}, conn.session.additional_headers)


if __name__ == '__main__':
    unittest.main()
