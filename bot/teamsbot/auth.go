package teamsbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// Issuer is the issuer of the tokens the Bot Connector sends to bots.
const Issuer = "https://api.botframework.com"

// DefaultOpenIDURL is the Bot Framework's OpenID metadata document
// (TEAMS_OPENID_URL overrides it).
const DefaultOpenIDURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"

// Leeway is the clock skew allowed on a token's expiry and not-before times,
// as the Bot Framework authentication spec allows.
const Leeway = 5 * time.Minute

// keysTTL is how long fetched signing keys are used before they are fetched
// again (the spec asks for at least daily refreshes).
const keysTTL = 24 * time.Hour

// minRefresh bounds how often an unknown kid makes the verifier fetch the
// keys again, so that tokens with made-up kids cannot make it hammer the
// metadata endpoint.
const minRefresh = time.Minute

// errUnauthorized wraps every reason a request is refused with 401.
var errUnauthorized = errors.New("unauthorized")

// verifier checks the Bearer tokens the Bot Connector signs.
//
// The keys come from the OpenID metadata's jwks_uri. keyfunc parses them
// and picks the key by kid, but jwkset drops members it does not know, and
// the Bot Framework's keys carry one that matters: "endorsements", the
// channels (msteams, webchat…) a key may sign for. So the verifier fetches
// the key set itself, keeps each kid's endorsements beside a keyfunc built
// from the same bytes, and refetches when a token names a kid it lacks.
type verifier struct {
	appID     string
	openIDURL string
	client    *http.Client
	now       func() time.Time

	mu      sync.Mutex
	keys    keyfunc.Keyfunc
	endorse map[string][]string // kid → endorsements
	fetched time.Time           // when keys were fetched
	tried   time.Time           // when a fetch was last tried
}

// claims are the registered claims plus the Bot Framework's serviceurl.
type claims struct {
	jwt.RegisteredClaims
	ServiceURL string `json:"serviceurl"`
}

// verify checks the Authorization header of an activity that says it comes
// from channelID with serviceURL: a valid RS256 token from Issuer for the
// app, signed by a key endorsed for channelID, whose serviceurl claim is
// serviceURL. Any failure wraps errUnauthorized.
func (v *verifier) verify(ctx context.Context, header, channelID, serviceURL string) error {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return fmt.Errorf("%w: no Bearer token", errUnauthorized)
	}
	var endorsements []string
	keyFunc := func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token names no key (kid)")
		}
		keys, e, err := v.keysFor(ctx, kid)
		if err != nil {
			return nil, err
		}
		endorsements = e
		return keys.Keyfunc(t)
	}
	var c claims
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(v.appID),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(v.now),
	)
	if _, err := p.ParseWithClaims(token, &c, keyFunc); err != nil {
		return fmt.Errorf("%w: %w", errUnauthorized, err)
	}
	// The SDKs let an activity without a channelId pass; secbot does not:
	// every Teams activity names its channel.
	if channelID == "" || !slices.Contains(endorsements, channelID) {
		return fmt.Errorf("%w: the signing key is not endorsed for channel %q", errUnauthorized, channelID)
	}
	if c.ServiceURL == "" || trimSlash(c.ServiceURL) != trimSlash(serviceURL) {
		return fmt.Errorf("%w: the token's serviceurl %q is not the activity's %q", errUnauthorized, c.ServiceURL, serviceURL)
	}
	return nil
}

func trimSlash(s string) string { return strings.TrimRight(s, "/") }

// keysFor returns the key set and the endorsements of kid, fetching the
// keys when there are none yet, when they are older than keysTTL, or when
// kid is unknown (at most once a minute).
func (v *verifier) keysFor(ctx context.Context, kid string) (keyfunc.Keyfunc, []string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	e, known := v.endorse[kid]
	stale := v.keys == nil || now.Sub(v.fetched) > keysTTL
	if stale || (!known && now.Sub(v.tried) >= minRefresh) {
		v.tried = now
		keys, endorse, err := v.fetch(ctx)
		switch {
		case err == nil:
			v.keys, v.endorse, v.fetched = keys, endorse, now
			e, known = endorse[kid]
		case v.keys == nil:
			return nil, nil, fmt.Errorf("fetching the Bot Framework signing keys: %w", err)
		}
		// On an error with keys in hand, the old keys go on serving.
	}
	if !known {
		return nil, nil, fmt.Errorf("no signing key %q in the Bot Framework key set", kid)
	}
	return v.keys, e, nil
}

// fetch reads the OpenID metadata, then the key set it points to.
func (v *verifier) fetch(ctx context.Context) (keyfunc.Keyfunc, map[string][]string, error) {
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	body, err := v.get(ctx, v.openIDURL)
	if err != nil {
		return nil, nil, fmt.Errorf("openid metadata: %w", err)
	}
	if err := json.Unmarshal(body, &meta); err != nil || meta.JWKSURI == "" {
		return nil, nil, fmt.Errorf("openid metadata %s has no jwks_uri (%v)", v.openIDURL, err)
	}
	raw, err := v.get(ctx, meta.JWKSURI)
	if err != nil {
		return nil, nil, fmt.Errorf("key set: %w", err)
	}
	var set struct {
		Keys []struct {
			KID          string   `json:"kid"`
			Endorsements []string `json:"endorsements"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, nil, fmt.Errorf("key set %s: %w", meta.JWKSURI, err)
	}
	keys, err := keyfunc.NewJWKSetJSON(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("key set %s: %w", meta.JWKSURI, err)
	}
	endorse := make(map[string][]string, len(set.Keys))
	for _, k := range set.Keys {
		endorse[k.KID] = k.Endorsements
	}
	return keys, endorse, nil
}

// get fetches url and returns its body (at most 1 MB).
func (v *verifier) get(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}
