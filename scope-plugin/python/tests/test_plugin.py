"""Unit tests of the --os-scope option (oscope_scope.plugin)."""

import argparse
import contextlib
import io
import unittest

from oscope_scope import keystone
from oscope_scope import plugin
from oscope_scope import scope

try:
    from openstack.config import loader as sdk_loader
except ImportError:  # pragma: no cover - the CLI stack is not installed
    sdk_loader = None


def make_parser(environ):
    parser = argparse.ArgumentParser(prog='openstack', add_help=False)
    parser.add_argument('--os-region-name', dest='region_name')
    return plugin.build_option_parser(parser, environ=environ)


def parse(argv, environ):
    return make_parser(environ).parse_known_args(argv)[0]


def parse_error(testcase, argv, environ):
    """Parse expecting the plugin's error; return the stderr text."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        with testcase.assertRaises(SystemExit) as ctx:
            parse(argv, environ)
    testcase.assertEqual(2, ctx.exception.code)
    text = stderr.getvalue()
    testcase.assertEqual(1, text.count('\n'), text)
    testcase.assertTrue(text.endswith('\n'))
    testcase.assertIn(': error: ', text)
    return text


class OptionTest(unittest.TestCase):

    def test_inert_without_option_or_env(self):
        ns = parse([], {'OS_REGION_NAME': 'CloudOne', 'HOME': '/'})
        self.assertIsNone(getattr(ns, keystone.OPTION_DEST))
        self.assertFalse(hasattr(ns, 'vendor_hook'))

    def test_empty_env_is_inert(self):
        ns = parse([], {'OS_SCOPE': '', 'OS_SCOPE_IMAGE': ''})
        self.assertIsNone(getattr(ns, keystone.OPTION_DEST))
        self.assertFalse(hasattr(ns, 'vendor_hook'))

    def test_option(self):
        ns = parse(['--os-scope', '{"image": "CloudTwo", "compute": "C1"}'],
                   {})
        self.assertEqual((('compute', 'C1'), ('image', 'CloudTwo')),
                         getattr(ns, keystone.OPTION_DEST))
        self.assertEqual(keystone.VENDOR_HOOK, ns.vendor_hook)

    def test_option_with_equals_sign(self):
        ns = parse(['--os-scope={"image":"CloudTwo"}'], {})
        self.assertEqual((('image', 'CloudTwo'),),
                         getattr(ns, keystone.OPTION_DEST))

    def test_dest_is_not_stripped_to_scope(self):
        # openstacksdk strips "os_" from option names: the dest must not
        # start with it, or the value would show up as "scope".
        self.assertFalse(keystone.OPTION_DEST.startswith('os_'))
        ns = parse(['--os-scope', '{}'], {})
        self.assertFalse(hasattr(ns, 'os_scope'))
        self.assertFalse(hasattr(ns, 'scope'))

    def test_os_scope_env_is_the_default(self):
        ns = parse([], {'OS_SCOPE': '{"image": "CloudTwo"}'})
        self.assertEqual((('image', 'CloudTwo'),),
                         getattr(ns, keystone.OPTION_DEST))
        self.assertEqual(keystone.VENDOR_HOOK, ns.vendor_hook)

    def test_option_replaces_os_scope_env(self):
        ns = parse(['--os-scope', '{"compute": "C1"}'],
                   {'OS_SCOPE': '{"image": "CloudTwo"}'})
        self.assertEqual((('compute', 'C1'),),
                         getattr(ns, keystone.OPTION_DEST))

    def test_option_replaces_an_invalid_os_scope_env(self):
        ns = parse(['--os-scope', '{}'], {'OS_SCOPE': '[not json'})
        self.assertEqual((), getattr(ns, keystone.OPTION_DEST))

    def test_per_service_env_alone_activates_the_scope(self):
        ns = parse([], {'OS_SCOPE_IMAGE': 'CloudTwo'})
        self.assertEqual((('image', 'CloudTwo'),),
                         getattr(ns, keystone.OPTION_DEST))
        self.assertEqual(keystone.VENDOR_HOOK, ns.vendor_hook)

    def test_explicit_entries_win_over_per_service_env(self):
        environ = {'OS_SCOPE_IMAGE': 'EnvImage',
                   'OS_SCOPE_COMPUTE': 'EnvCompute'}
        ns = parse(['--os-scope', '{"image": "OptImage"}'], environ)
        self.assertEqual((('compute', 'EnvCompute'), ('image', 'OptImage')),
                         getattr(ns, keystone.OPTION_DEST))
        ns = parse([], dict(environ, OS_SCOPE='{"image": "OsScopeImage"}'))
        self.assertEqual(
            (('compute', 'EnvCompute'), ('image', 'OsScopeImage')),
            getattr(ns, keystone.OPTION_DEST))

    def test_other_options_are_untouched(self):
        ns = parse(['--os-region-name', 'CloudOne', '--os-scope', '{}'], {})
        self.assertEqual('CloudOne', ns.region_name)


class OptionErrorTest(unittest.TestCase):

    def test_invalid_json(self):
        text = parse_error(self, ['--os-scope', '{"image"'], {})
        self.assertIn('--os-scope: invalid JSON', text)

    def test_empty_option(self):
        text = parse_error(self, ['--os-scope', ''], {})
        self.assertIn('--os-scope: invalid JSON', text)

    def test_not_an_object(self):
        text = parse_error(self, ['--os-scope', '["image"]'], {})
        self.assertIn('--os-scope: the scope must be a JSON object', text)

    def test_non_string_value(self):
        text = parse_error(self, ['--os-scope', '{"image": 2}'], {})
        self.assertIn('"image" must be a string, not a number', text)

    def test_invalid_service_type(self):
        text = parse_error(self, ['--os-scope', '{"ima/ge": "C"}'], {})
        self.assertIn('invalid service type "ima/ge"', text)

    def test_invalid_cloud_name(self):
        text = parse_error(self, ['--os-scope', '{"image": "C 2"}'], {})
        self.assertIn('invalid cloud expression "C 2" for service type'
                      ' "image": at position 2', text)

    def test_invalid_os_scope_env_names_the_variable(self):
        text = parse_error(self, [], {'OS_SCOPE': '{"image": 2}'})
        self.assertIn('error: OS_SCOPE: ', text)

    def test_invalid_per_service_env_names_the_variable(self):
        text = parse_error(self, [], {'OS_SCOPE_IMAGE': 'Cloud Two'})
        self.assertIn(
            'error: OS_SCOPE_IMAGE: invalid cloud expression "Cloud Two"',
            text)
        text = parse_error(self, ['--os-scope', '{}'],
                           {'OS_SCOPE_NET<WORK': 'C'})
        self.assertIn('OS_SCOPE_NET<WORK: invalid service type "net<work"',
                      text)


class PluginInterfaceTest(unittest.TestCase):

    def test_module_attributes(self):
        self.assertEqual('oscope', plugin.API_NAME)
        self.assertIn(plugin.DEFAULT_API_VERSION, plugin.API_VERSIONS)
        self.assertTrue(plugin.API_VERSION_OPTION.startswith('os_'))
        self.assertTrue(callable(plugin.make_client))


@unittest.skipIf(sdk_loader is None, 'openstacksdk is not installed')
class CloudConfigTest(unittest.TestCase):
    """The parsed option survives openstacksdk's config loader intact."""

    def get_one(self, argv, environ):
        ns = parse(argv, environ)
        config = sdk_loader.OpenStackConfig(load_yaml_config=False,
                                            load_envvars=False)
        return config.get_one(argparse=ns, validate=False)

    def test_scope_reaches_the_cloud_config(self):
        cloud = self.get_one(
            ['--os-region-name', 'CloudOne', '--os-scope',
             '{"object-store": "CloudTwo", "os_x": "C"}'], {})
        self.assertEqual(keystone.VENDOR_HOOK, cloud.config['vendor_hook'])
        self.assertEqual('CloudOne', cloud.region_name)
        result = keystone.effective_scope(cloud)
        self.assertEqual('CloudTwo', result['object-store'])
        self.assertEqual('C', result['os_x'])
        self.assertEqual('CloudOne', result['identity'])
        self.assertEqual(len(scope.WELL_KNOWN_SERVICE_TYPES) + 1, len(result))

    def test_inert_config(self):
        cloud = self.get_one(['--os-region-name', 'CloudOne'], {})
        self.assertNotIn('vendor_hook', cloud.config)
        self.assertIsNone(keystone.effective_scope(cloud))


if __name__ == '__main__':
    unittest.main()
