"""Unit tests of oscope_scope.scope: parsing, validation, defaults, wire."""

import json
import unittest

from oscope_scope import scope


class NameRuleTest(unittest.TestCase):

    def test_every_tchar_but_the_operators_is_valid(self):
        tchars = "!#$%'*+-.^_`~0123456789" + \
            'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
        for c in tchars:
            self.assertTrue(scope.is_valid_name(c), c)
        self.assertTrue(scope.is_valid_name('object-store'))
        self.assertTrue(scope.is_valid_name('Cloud_1.eu~x'))

    def test_non_tchars_and_operators_are_invalid(self):
        for c in ' "(),/:;<=>?@[\\]{}\t\n\x00\x7fé&|':
            self.assertFalse(scope.is_valid_name('a' + c), repr(c))

    def test_length_is_1_to_64(self):
        self.assertFalse(scope.is_valid_name(''))
        self.assertTrue(scope.is_valid_name('a' * 64))
        self.assertFalse(scope.is_valid_name('a' * 65))

    def test_trailing_newline_is_invalid(self):
        self.assertFalse(scope.is_valid_name('Cloud\n'))

    def test_non_strings_are_invalid(self):
        for value in (None, 1, ['a'], b'a'):
            self.assertFalse(scope.is_valid_name(value))


class ParseScopeJsonTest(unittest.TestCase):

    def assertScopeError(self, text, *fragments, source='--os-scope'):
        with self.assertRaises(scope.ScopeError) as ctx:
            scope.parse_scope_json(text, source)
        message = str(ctx.exception)
        self.assertNotIn('\n', message)
        self.assertTrue(message.startswith(source + ': '), message)
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    def test_valid_scope(self):
        self.assertEqual(
            {'compute': 'CloudOne', 'image': 'CloudTwo'},
            scope.parse_scope_json(
                '{"compute": "CloudOne", "image": "CloudTwo"}'))

    def test_empty_object(self):
        self.assertEqual({}, scope.parse_scope_json('{}'))

    def test_invalid_json(self):
        self.assertScopeError('{"image": ', 'invalid JSON')
        self.assertScopeError('', 'invalid JSON')
        self.assertScopeError("{'image': 'CloudTwo'}", 'invalid JSON')

    def test_not_an_object(self):
        self.assertScopeError('[1]', 'JSON object', 'not an array')
        self.assertScopeError('"CloudTwo"', 'JSON object', 'not a string')
        self.assertScopeError('3', 'JSON object', 'not a number')
        self.assertScopeError('null', 'JSON object', 'not null')
        self.assertScopeError('true', 'JSON object', 'not a boolean')

    def test_non_string_values(self):
        self.assertScopeError('{"image": 1}', '"image"', 'not a number')
        self.assertScopeError('{"image": null}', '"image"', 'not null')
        self.assertScopeError('{"image": ["a"]}', '"image"', 'not an array')
        self.assertScopeError('{"image": {"a": "b"}}', '"image"',
                              'not an object')
        self.assertScopeError('{"image": false}', '"image"', 'not a boolean')

    def test_invalid_service_type(self):
        self.assertScopeError('{"im age": "CloudTwo"}',
                              'invalid service type "im age"')
        self.assertScopeError('{"": "CloudTwo"}',
                              'invalid service type ""', 'empty')
        self.assertScopeError('{"%s": "C"}' % ('t' * 65,),
                              'invalid service type', 'longer than 64')

    def test_invalid_cloud_name(self):
        self.assertScopeError(
            '{"image": "Cloud Two"}',
            '--os-scope: invalid cloud expression "Cloud Two" for service'
            ' type "image": at position 6: expected \'&\', \'|\' or the end'
            ' but found \'T\'')
        self.assertScopeError('{"image": ""}', 'invalid cloud expression ""',
                              'at position 0: expected a cloud name')
        self.assertScopeError('{"image": "%s"}' % ('c' * 65,),
                              'invalid cloud expression', 'longer than 64')
        self.assertScopeError('{"image": "Cloud\\u00e9"}',
                              'invalid cloud expression "Cloud\\u00e9"',
                              'character U+00E9')

    def test_cloud_expressions(self):
        self.assertEqual(
            {'image': 'CloudOne | CloudTwo', 'compute': 'A & (B | C)'},
            scope.parse_scope_json(
                '{"image": "CloudOne|CloudTwo", "compute": "A&(B|C)"}'))
        self.assertScopeError('{"image": "CloudOne | & CloudTwo"}',
                              'at position 11: expected a cloud name or'
                              ' \'(\' but found \'&\'')
        self.assertScopeError('{"image": "A | A"}',
                              "at position 4: cloud 'A' is named twice")

    def test_operators_are_no_name_characters(self):
        self.assertScopeError('{"im|age": "A"}', 'invalid service type',
                              "may not contain '|'")

    def test_control_characters_stay_on_one_line(self):
        message = self.assertScopeError('{"image": "a\\nb"}',
                                        'invalid cloud expression "a\\nb"')
        self.assertNotIn('\n', message)

    def test_long_values_are_shortened(self):
        message = self.assertScopeError('{"image": "%s"}' % (' ' * 500,))
        self.assertLess(len(message), 250)

    def test_duplicate_service_type(self):
        self.assertScopeError('{"image": "A", "image": "B"}',
                              '"image"', 'twice')

    def test_source_is_named(self):
        self.assertScopeError('[]', source='OS_SCOPE')


class EnvTest(unittest.TestCase):

    def test_env_name(self):
        self.assertEqual('OS_SCOPE_IMAGE', scope.env_name('image'))
        self.assertEqual('OS_SCOPE_OBJECT_STORE', scope.env_name('object-store'))
        self.assertEqual('OS_SCOPE_VOLUMEV3', scope.env_name('volumev3'))

    def test_scope_from_env(self):
        environ = {
            'OS_SCOPE_IMAGE': 'CloudTwo',
            'OS_SCOPE_OBJECT_STORE': 'CloudThree',
            'OS_SCOPE_KEY_MANAGER': 'CloudFour',
            'OS_SCOPE_CONTAINER_INFRA': 'CloudFive',
            'OS_SCOPE': '{"compute": "X"}',
            'OS_REGION_NAME': 'CloudOne',
            'HOME': '/root',
        }
        self.assertEqual(
            {'image': 'CloudTwo', 'object-store': 'CloudThree',
             'key-manager': 'CloudFour', 'container-infra': 'CloudFive'},
            scope.scope_from_env(environ))

    def test_every_well_known_type_round_trips(self):
        environ = {scope.env_name(t): 'C' for t in
                   scope.WELL_KNOWN_SERVICE_TYPES}
        self.assertEqual(set(scope.WELL_KNOWN_SERVICE_TYPES),
                         set(scope.scope_from_env(environ)))

    def test_empty_variables_count_as_unset(self):
        self.assertEqual({}, scope.scope_from_env({'OS_SCOPE_IMAGE': ''}))

    def test_invalid_cloud_name_names_the_variable(self):
        with self.assertRaises(scope.ScopeError) as ctx:
            scope.scope_from_env({'OS_SCOPE_IMAGE': 'Cloud Two'})
        self.assertTrue(str(ctx.exception).startswith('OS_SCOPE_IMAGE: '))
        self.assertIn('"Cloud Two"', str(ctx.exception))

    def test_invalid_service_type_names_the_variable(self):
        with self.assertRaises(scope.ScopeError) as ctx:
            scope.scope_from_env({'OS_SCOPE_': 'CloudTwo'})
        self.assertTrue(str(ctx.exception).startswith('OS_SCOPE_: '))

    def test_scope_requested(self):
        self.assertFalse(scope.scope_requested({}))
        self.assertFalse(scope.scope_requested({'OS_REGION_NAME': 'C'}))
        self.assertFalse(scope.scope_requested({'OS_SCOPE': ''}))
        self.assertFalse(scope.scope_requested({'OS_SCOPE_IMAGE': ''}))
        self.assertFalse(scope.scope_requested({'OS_SCOPES': 'x'}))
        self.assertTrue(scope.scope_requested({'OS_SCOPE': '{}'}))
        self.assertTrue(scope.scope_requested({'OS_SCOPE_IMAGE': 'C'}))
        self.assertTrue(scope.scope_requested({}, cli_value='{}'))


class CompleteTest(unittest.TestCase):

    def test_explicit_entries_win_over_env(self):
        self.assertEqual(
            {'image': 'Explicit', 'compute': 'Env'},
            scope.merge({'image': 'Explicit'},
                        {'image': 'Env', 'compute': 'Env'}))

    def test_well_known_types_default_to_region(self):
        result = scope.complete({'image': 'CloudTwo'}, 'CloudOne')
        self.assertEqual(set(scope.WELL_KNOWN_SERVICE_TYPES), set(result))
        self.assertEqual('CloudTwo', result['image'])
        for service_type in scope.WELL_KNOWN_SERVICE_TYPES:
            if service_type != 'image':
                self.assertEqual('CloudOne', result[service_type])

    def test_the_list_of_well_known_types(self):
        self.assertEqual(
            ('identity', 'compute', 'image', 'network', 'placement',
             'volume', 'volumev3', 'object-store', 'orchestration',
             'key-manager', 'load-balancer', 'dns', 'baremetal', 'share',
             'metric', 'alarming'),
            scope.WELL_KNOWN_SERVICE_TYPES)

    def test_other_types_are_kept(self):
        result = scope.complete({'container-infra': 'CloudTwo'}, 'CloudOne')
        self.assertEqual('CloudTwo', result['container-infra'])
        self.assertEqual(len(scope.WELL_KNOWN_SERVICE_TYPES) + 1, len(result))

    def test_without_region_missing_types_are_left_out(self):
        self.assertEqual({'image': 'CloudTwo'},
                         scope.complete({'image': 'CloudTwo'}, None))
        self.assertEqual({'image': 'CloudTwo'},
                         scope.complete({'image': 'CloudTwo'}, ''))
        self.assertEqual({}, scope.complete({}, None))

    def test_invalid_region_is_an_error_when_needed(self):
        with self.assertRaises(scope.ScopeError) as ctx:
            scope.complete({}, 'Region One')
        self.assertIn('"Region One"', str(ctx.exception))
        self.assertIn('OS_REGION_NAME', str(ctx.exception))

    def test_invalid_region_is_ignored_when_not_needed(self):
        full = {t: 'C' for t in scope.WELL_KNOWN_SERVICE_TYPES}
        self.assertEqual(full, scope.complete(full, 'Region One'))

    def test_input_is_not_modified(self):
        given = {'image': 'CloudTwo'}
        scope.complete(given, 'CloudOne')
        self.assertEqual({'image': 'CloudTwo'}, given)


class WireTest(unittest.TestCase):

    def test_encode_is_compact_and_sorted(self):
        self.assertEqual('{"compute":"CloudOne","image":"CloudTwo"}',
                         scope.encode({'image': 'CloudTwo',
                                       'compute': 'CloudOne'}))

    def test_encode_matches_the_reference_form(self):
        value = scope.complete({'image': 'CloudTwo', 'zz': "a'b"}, 'CloudOne')
        self.assertEqual(
            json.dumps(value, separators=(',', ':'), sort_keys=True),
            scope.encode(value))

    def test_encode_empty(self):
        self.assertEqual('{}', scope.encode({}))

    def test_scoped_token(self):
        self.assertEqual('tok!SCOPE!{"image":"C"}',
                         scope.scoped_token('tok', '{"image":"C"}'))

    def test_scoped_token_adds_the_suffix_once(self):
        once = scope.scoped_token('tok', '{"image":"C"}')
        self.assertEqual(once, scope.scoped_token(once, '{"image":"C"}'))
        self.assertEqual(once, scope.scoped_token(once, '{"image":"D"}'))

    def test_scoped_auth_headers(self):
        headers = {'X-Auth-Token': 'tok', 'Other': 'x'}
        result = scope.scoped_auth_headers(headers, '{}')
        self.assertEqual({'X-Auth-Token': 'tok!SCOPE!{}', 'Other': 'x'},
                         result)
        self.assertEqual({'X-Auth-Token': 'tok', 'Other': 'x'}, headers)
        self.assertEqual(result, scope.scoped_auth_headers(result, '{}'))

    def test_scoped_auth_headers_without_token(self):
        self.assertIsNone(scope.scoped_auth_headers(None, '{}'))
        self.assertEqual({}, scope.scoped_auth_headers({}, '{}'))
        self.assertEqual({'Other': 'x'},
                         scope.scoped_auth_headers({'Other': 'x'}, '{}'))


if __name__ == '__main__':
    unittest.main()
