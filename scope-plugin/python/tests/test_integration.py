"""The real ``openstack`` CLI, with the plugin, against a fake cloud.

A recording HTTP server on 127.0.0.1 (port chosen by the system) plays
Keystone v3 (``GET /v3``, ``POST /v3/auth/tokens``) and Glance (``GET /``,
``GET /v2/images``).  The tests install nothing in the system: when the
plugin is installed (``install.sh``) they use it, and check that it is the
one of these sources; when it is not, they run the CLI with a throwaway copy
of the sources on ``PYTHONPATH`` (its entry points in a ``.dist-info``
beside it), offline.  They are skipped when /usr/bin/openstack is absent.
"""

import filecmp
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import tomllib
import unittest

OPENSTACK = '/usr/bin/openstack'
SYSTEM_PYTHON = '/usr/bin/python3'
TOKEN = 'gAAAAABtest-token-0123456789'
SOURCES = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'oscope_scope')
WELL_KNOWN = ('identity', 'compute', 'image', 'network', 'placement',
              'volume', 'volumev3', 'object-store', 'orchestration',
              'key-manager', 'load-balancer', 'dns', 'baremetal', 'share',
              'metric', 'alarming')
SKIP = not os.access(OPENSTACK, os.X_OK)
SKIP_REASON = ('%s is absent: install python3-openstackclient (install.sh'
               ' does) to run the integration tests' % OPENSTACK)


def installed_plugin():
    """Where the system Python imports oscope_scope from, or None."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ('PYTHONPATH', 'PYTHONHOME')}
    result = subprocess.run(
        [SYSTEM_PYTHON, '-c', 'import os, oscope_scope; '
         'print(os.path.dirname(oscope_scope.__file__))'],
        cwd='/', env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True)
    return result.stdout.strip() if result.returncode == 0 else None


def throwaway_site(folder):
    """A folder for PYTHONPATH that makes these sources the CLI's plugin.

    importlib.metadata finds entry points in any ``*.dist-info`` folder on
    the path, so a copy of the package and the entry points of
    pyproject.toml are all an install would add.
    """
    with open(os.path.join(os.path.dirname(SOURCES), 'pyproject.toml'),
              'rb') as f:
        project = tomllib.load(f)['project']
    site = os.path.join(folder, 'site')
    shutil.copytree(SOURCES, os.path.join(site, 'oscope_scope'),
                    ignore=shutil.ignore_patterns('__pycache__'))
    info = os.path.join(site, 'oscope_scope-%s.dist-info'
                        % project['version'])
    os.mkdir(info)
    with open(os.path.join(info, 'METADATA'), 'w') as f:
        f.write('Metadata-Version: 2.1\nName: %s\nVersion: %s\n'
                % (project['name'], project['version']))
    with open(os.path.join(info, 'entry_points.txt'), 'w') as f:
        for group, entries in project['entry-points'].items():
            f.write('[%s]\n' % group)
            for name, target in entries.items():
                f.write('%s = %s\n' % (name, target))
            f.write('\n')
    return site


def compact(value):
    return json.dumps(value, separators=(',', ':'), sort_keys=True)


def full_scope(own_cloud, **explicit):
    result = {t: own_cloud for t in WELL_KNOWN}
    result.update({k.replace('_', '-'): v for k, v in explicit.items()})
    return result


class Recorder(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(('127.0.0.1', 0), Handler)
        self.requests = []
        self.lock = threading.Lock()

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = 'FakeCloud/1'

    def log_message(self, fmt, *args):
        pass

    def record(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        with self.server.lock:
            self.server.requests.append(
                (self.command, self.path, dict(self.headers.items()), body))

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record()
        base = self.server.url
        path = self.path.split('?', 1)[0]
        if path in ('/v3', '/v3/'):
            self.reply(200, {'version': {
                'id': 'v3.14', 'status': 'stable',
                'updated': '2020-04-07T00:00:00Z',
                'links': [{'rel': 'self', 'href': base + '/v3/'}],
                'media-types': [{
                    'base': 'application/json',
                    'type': 'application/vnd.openstack.identity-v3+json'}],
            }})
        elif path == '/':
            self.reply(300, {'versions': [{
                'id': 'v2.9', 'status': 'CURRENT',
                'links': [{'rel': 'self', 'href': base + '/v2/'}],
            }]})
        elif path == '/v2/images':
            self.reply(200, {'images': [], 'first': '/v2/images',
                             'schema': '/v2/schemas/images'})
        else:
            self.reply(404, {'error': 'not found: ' + path})

    def do_POST(self):
        self.record()
        if self.path == '/v3/auth/tokens':
            self.reply(201, self.token(), [('X-Subject-Token', TOKEN)])
        else:
            self.reply(404, {'error': 'not found: ' + self.path})

    def token(self):
        base = self.server.url
        domain = {'id': 'default', 'name': 'Default'}

        def service(service_type, url):
            return {'type': service_type, 'id': service_type + '-id',
                    'name': service_type, 'endpoints': [
                        {'id': '%s-%s' % (service_type, interface),
                         'interface': interface, 'region': 'CloudOne',
                         'region_id': 'CloudOne', 'url': url}
                        for interface in ('public', 'internal', 'admin')]}

        return {'token': {
            'methods': ['password'],
            'expires_at': '2099-01-01T00:00:00.000000Z',
            'issued_at': '2020-01-01T00:00:00.000000Z',
            'audit_ids': ['audit'],
            'user': {'id': 'uid', 'name': 'u', 'domain': domain},
            'project': {'id': 'pid', 'name': 'p', 'domain': domain},
            'roles': [{'id': 'rid', 'name': 'member'}],
            'catalog': [service('identity', base + '/v3'),
                        service('image', base)],
        }}


@unittest.skipIf(SKIP, SKIP_REASON)
class OpenStackCliTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix='oscope-it-')
        cls.installed = installed_plugin()
        # The CLI's PYTHONPATH: empty with the plugin installed, for a copy
        # beside it would register every option twice.
        cls.pythonpath = (None if cls.installed
                          else throwaway_site(cls.home))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)

    def setUp(self):
        self.server = Recorder()
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def run_cli(self, *args, env=None):
        """Run the CLI with a clean environment (no proxy, no OS_*)."""
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith('OS_')
                   and k.lower() not in ('http_proxy', 'https_proxy',
                                         'all_proxy', 'no_proxy')
                   and k not in ('PYTHONPATH', 'PYTHONHOME',
                                 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME')}
        # A private HOME: no clouds.yaml, a fresh stevedore cache.
        environ['HOME'] = self.home
        if self.pythonpath:
            environ['PYTHONPATH'] = self.pythonpath
        environ.update(env or {})
        return subprocess.run(
            [OPENSTACK] + list(args), env=environ, cwd=self.home,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, timeout=120)

    def auth_args(self):
        return ['--os-auth-url', self.server.url + '/v3',
                '--os-username', 'u', '--os-password', 'p',
                '--os-project-name', 'p',
                '--os-user-domain-name', 'Default',
                '--os-project-domain-name', 'Default']

    def assertSucceeded(self, result):
        self.assertEqual(0, result.returncode,
                         'stdout: %s\nstderr: %s' % (result.stdout,
                                                     result.stderr))

    def paths(self):
        return [(method, path.split('?', 1)[0])
                for method, path, _, _ in self.server.requests]

    # What the CLI sends for ``image list``, in order, and whether each
    # request is authenticated: version discovery (Keystone's and Glance's)
    # and the authentication itself carry no token.
    IMAGE_LIST = [
        ('GET', '/v3', False),
        ('POST', '/v3/auth/tokens', False),
        ('GET', '/', False),
        ('GET', '/v2/images', True),
    ]

    def assertImageList(self, encoded_scope):
        """Exact X-Scope and X-Auth-Token of every recorded request."""
        self.assertEqual([(m, p) for m, p, _ in self.IMAGE_LIST],
                         self.paths())
        token = TOKEN
        if encoded_scope is not None:
            token = TOKEN + '!SCOPE!' + encoded_scope
        for (method, path, headers, _), (_, _, authenticated) in zip(
                self.server.requests, self.IMAGE_LIST):
            where = '%s %s' % (method, path)
            self.assertEqual(encoded_scope, headers.get('X-Scope'), where)
            self.assertEqual(token if authenticated else None,
                             headers.get('X-Auth-Token'), where)

    def test_installed_plugin_matches_sources(self):
        if not self.installed:
            self.skipTest('the plugin is not installed for %s: these tests'
                          ' run the CLI with a throwaway copy of the sources'
                          % SYSTEM_PYTHON)
        installed = self.installed
        names = sorted(n for n in os.listdir(SOURCES) if n.endswith('.py'))
        _, mismatch, errors = filecmp.cmpfiles(SOURCES, installed, names,
                                               shallow=False)
        self.assertEqual([], mismatch + errors,
                         'installed plugin in %s differs from the sources:'
                         ' run install.sh again' % installed)

    def test_image_list_with_option(self):
        result = self.run_cli(*self.auth_args(), '--os-region-name',
                              'CloudOne', '--os-scope',
                              '{"image":"CloudTwo"}', 'image', 'list')
        self.assertSucceeded(result)
        self.assertImageList(compact(full_scope('CloudOne',
                                                image='CloudTwo')))

    def test_image_list_with_env(self):
        result = self.run_cli(
            *self.auth_args(), 'image', 'list', '-f', 'json',
            env={'OS_REGION_NAME': 'CloudOne',
                 'OS_SCOPE': '{"image": "CloudTwo", "container-infra": "C4"}',
                 'OS_SCOPE_IMAGE': 'Ignored',
                 'OS_SCOPE_COMPUTE': 'CloudThree'})
        self.assertSucceeded(result)
        self.assertEqual([], json.loads(result.stdout))
        self.assertImageList(compact(full_scope(
            'CloudOne', image='CloudTwo', compute='CloudThree',
            container_infra='C4')))

    def test_image_list_without_scope_sends_nothing_extra(self):
        result = self.run_cli(*self.auth_args(), '--os-region-name',
                              'CloudOne', 'image', 'list')
        self.assertSucceeded(result)
        self.assertImageList(None)

    def test_scope_show_json(self):
        result = self.run_cli(
            *self.auth_args(), '--os-region-name', 'CloudOne',
            '--os-scope', '{"image": "CloudTwo"}', 'scope', 'show',
            '-f', 'json', env={'OS_SCOPE_DNS': 'CloudThree'})
        self.assertSucceeded(result)
        expected = full_scope('CloudOne', image='CloudTwo', dns='CloudThree')
        self.assertEqual(
            [{'Service Type': t, 'Cloud': expected[t]}
             for t in sorted(expected)],
            json.loads(result.stdout))
        self.assertEqual([], self.server.requests)

    def test_scope_show_table_without_credentials(self):
        result = self.run_cli('scope', 'show',
                              env={'OS_SCOPE_IMAGE': 'CloudTwo'})
        self.assertSucceeded(result)
        self.assertIn('Service Type', result.stdout)
        self.assertIn('| image        | CloudTwo |', result.stdout)

    def test_scope_show_prints_cloud_expressions_canonically(self):
        result = self.run_cli(
            'scope', 'show', '-f', 'json',
            env={'OS_SCOPE_IMAGE': 'CloudOne|(CloudTwo&CloudThree)'})
        self.assertSucceeded(result)
        self.assertIn({'Service Type': 'image',
                       'Cloud': 'CloudOne | CloudTwo & CloudThree'},
                      json.loads(result.stdout))

    def test_a_malformed_expression_exits_2_naming_its_position(self):
        result = self.run_cli('--os-scope', '{"image": "CloudOne | & C"}',
                              'scope', 'show')
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn(
            'invalid cloud expression "CloudOne | & C" for service type'
            ' "image": at position 11: expected a cloud name or \'(\' but'
            ' found \'&\'', result.stderr)

    def test_bad_input_exits_2_before_sending(self):
        cases = [
            (['--os-scope', '{"image": '], {}, '--os-scope: invalid JSON'),
            (['--os-scope', '["image"]'], {}, 'must be a JSON object'),
            (['--os-scope', '{"image": 2}'], {}, 'must be a string'),
            (['--os-scope', '{"im age": "C"}'], {},
             'invalid service type "im age"'),
            (['--os-scope', '{"image": "Cloud Two"}'], {},
             'invalid cloud expression "Cloud Two"'),
            ([], {'OS_SCOPE': 'nope'}, 'OS_SCOPE: invalid JSON'),
            ([], {'OS_SCOPE_IMAGE': 'Cloud Two'}, 'OS_SCOPE_IMAGE: '),
            (['--os-scope', '{}', '--os-region-name', 'Region One'], {},
             'region name "Region One"'),
        ]
        for options, env, message in cases:
            with self.subTest(options=options, env=env):
                result = self.run_cli(*self.auth_args(), *options,
                                      'image', 'list', env=env)
                self.assertEqual(2, result.returncode, result.stderr)
                lines = result.stderr.splitlines()
                self.assertEqual(1, len(lines), result.stderr)
                self.assertTrue(lines[0].startswith('openstack: error: '),
                                lines[0])
                self.assertIn(message, lines[0])
                self.assertEqual('', result.stdout)
                self.assertEqual([], self.server.requests)


if __name__ == '__main__':
    unittest.main()
