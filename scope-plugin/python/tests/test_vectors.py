"""The scope vectors shared with the Java codec (keystone-token's ScopeVectorsTest).

Both codecs must make the same canonical scope of every input, or both
reject it: a client that sends what this plugin accepts gets it read the same
way by the proxy.  Cloud expressions are parsed alike, or rejected with the
very same message (position and expectation).
"""

import json
import os
import unittest

from oscope_scope import scope

VECTORS = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
    os.pardir, 'keystone-token', 'src', 'test', 'resources',
    'scope-vectors.json')


def load_vectors(kind='vectors'):
    with open(VECTORS, encoding='utf-8') as f:
        return json.load(f)[kind]


class ScopeVectorsTest(unittest.TestCase):

    def test_there_are_vectors_of_both_kinds(self):
        vectors = load_vectors()
        self.assertTrue(any('canonical' in v for v in vectors))
        self.assertTrue(any('error' in v for v in vectors))

    def test_every_vector(self):
        for vector in load_vectors():
            text = vector['scope']
            with self.subTest(scope=text):
                if 'canonical' in vector:
                    parsed = scope.parse_scope_json(text)
                    self.assertEqual(vector['canonical'], scope.encode(parsed))
                else:
                    with self.assertRaises(scope.ScopeError,
                                           msg=vector['error']):
                        scope.parse_scope_json(text)


class ExpressionVectorsTest(unittest.TestCase):

    def test_there_are_vectors_of_both_kinds(self):
        vectors = load_vectors('expressions')
        self.assertTrue(any('canonical' in v for v in vectors))
        self.assertTrue(any('error' in v for v in vectors))

    def test_every_vector(self):
        for vector in load_vectors('expressions'):
            text = vector['expression']
            with self.subTest(expression=text):
                if 'canonical' in vector:
                    parsed = scope.parse_expression(text)
                    self.assertEqual(vector['canonical'], str(parsed))
                    self.assertEqual(vector['clouds'], scope.clouds(parsed))
                    self.assertEqual(
                        parsed, scope.parse_expression(str(parsed)))
                else:
                    with self.assertRaises(scope.ExpressionError) as ctx:
                        scope.parse_expression(text)
                    self.assertEqual(vector['error'], str(ctx.exception))


if __name__ == '__main__':
    unittest.main()
