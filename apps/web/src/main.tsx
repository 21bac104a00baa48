import { StrictMode, Suspense, lazy, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { AuthProvider, homeOf, useAuth } from './auth';
import './a11y.css';

dayjs.locale('zh-cn');

// antd's default grey texts (0.45 alpha: 3.4:1), links (#1677ff: 4.1:1) and danger red (#ff4d4f: 3.3:1) fall short of WCAG AA's 4.5:1, which
// matters on old county PCs and projectors; these keep antd's look with readable contrast (axe checks it in
// test/browser/quality.browser-spec.ts).
const THEME = {
  token: {
    colorPrimary: '#1d4ed8',
    colorLink: '#1d4ed8',
    colorError: '#c81e1e',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.6)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
  },
};

// Every page is its own chunk: the first page (sign-in) loads only the shell.
const Login = lazy(() => import('./pages/Login'));
const Shell = lazy(() => import('./components/Shell'));
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Accounts = lazy(() => import('./pages/Accounts'));
const Partnerships = lazy(() => import('./pages/Partnerships'));
const PartnershipDetail = lazy(() => import('./pages/PartnershipDetail'));
const Plans = lazy(() => import('./pages/Plans'));
const PlanDetail = lazy(() => import('./pages/PlanDetail'));
const Rectifications = lazy(() => import('./pages/Rectifications'));
const Library = lazy(() => import('./pages/Library'));
const ResourceDetail = lazy(() => import('./pages/ResourceDetail'));
const Upload = lazy(() => import('./pages/Upload'));
const ReviewQueue = lazy(() => import('./pages/ReviewQueue'));
const Collections = lazy(() => import('./pages/Collections'));
const Pushes = lazy(() => import('./pages/Pushes'));
const Inbox = lazy(() => import('./pages/Inbox'));
const SchoolHome = lazy(() => import('./pages/SchoolHome'));
const TeacherHome = lazy(() => import('./pages/TeacherHome'));
const Schools = lazy(() => import('./pages/Schools'));
const SchoolDetail = lazy(() => import('./pages/SchoolDetail'));
const SchoolImport = lazy(() => import('./pages/SchoolImport'));
const ResearchCalendar = lazy(() => import('./pages/ResearchCalendar'));
const ResearchSessionForm = lazy(() => import('./pages/ResearchSessionForm'));
const ResearchSessionDetail = lazy(() => import('./pages/ResearchSessionDetail'));
// The live room brings socket.io-client and Yjs: only this chunk loads them.
const LiveRoom = lazy(() => import('./pages/LiveRoom'));

// A plain loading line instead of antd's Spin, so the entry chunk carries no extra component.
const loading = (
  <div role="status" style={{ margin: '20vh auto', textAlign: 'center', color: '#888' }}>
    加载中…
  </div>
);

function RequireAuth({ children }: { children: ReactNode }) {
  const { user, loading: busy } = useAuth();
  const location = useLocation();
  if (busy) return loading;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

function Home() {
  const { user } = useAuth();
  return user ? <Navigate to={homeOf(user)} replace /> : <Navigate to="/login" replace />;
}

function Root() {
  return (
    <Suspense fallback={loading}>
      <Routes>
        <Route path="/login" element={<Login />} />
        <Route
          element={
            <RequireAuth>
              <Shell />
            </RequireAuth>
          }
        >
          <Route index element={<Home />} />
          <Route path="dashboard" element={<Dashboard />} />
          <Route path="school" element={<SchoolHome />} />
          <Route path="teacher" element={<TeacherHome />} />
          <Route path="inbox" element={<Inbox />} />
          <Route path="partnerships" element={<Partnerships />} />
          <Route path="partnerships/:id" element={<PartnershipDetail />} />
          <Route path="plans" element={<Plans />} />
          <Route path="plans/:id" element={<PlanDetail />} />
          <Route path="rectifications" element={<Rectifications />} />
          <Route path="library" element={<Library />} />
          <Route path="library/upload" element={<Upload />} />
          <Route path="library/review" element={<ReviewQueue />} />
          <Route path="library/collections" element={<Collections />} />
          <Route path="library/pushes" element={<Pushes />} />
          <Route path="library/:id" element={<ResourceDetail />} />
          <Route path="schools" element={<Schools />} />
          <Route path="accounts" element={<Accounts />} />
          <Route path="schools/import" element={<SchoolImport />} />
          <Route path="schools/:id" element={<SchoolDetail />} />
          <Route path="research" element={<ResearchCalendar />} />
          <Route path="research/new" element={<ResearchSessionForm />} />
          <Route path="research/:id" element={<ResearchSessionDetail />} />
          <Route path="research/:id/live" element={<LiveRoom />} />
          <Route path="*" element={<Home />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={THEME}>
      {/* antd's <App> (message, notification, modal) lives in the lazily loaded Shell, keeping the entry small. */}
      <AuthProvider>
        <BrowserRouter>
          <Root />
        </BrowserRouter>
      </AuthProvider>
    </ConfigProvider>
  </StrictMode>,
);
